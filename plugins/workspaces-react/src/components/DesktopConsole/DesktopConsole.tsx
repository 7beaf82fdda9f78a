import { type ReactNode, useEffect, useRef, useState } from 'react';
import type {
  ConsoleDisplay,
  WorkspaceAccess,
} from '@desktop-mania/plugin-workspaces-common';
import { Paper, makeStyles } from '@material-ui/core';
import { ClipboardPanel } from './ClipboardPanel';
import { ClipboardSyncNotice } from './ClipboardSyncNotice';
import { type ConsolePanel, ConsoleToolbar } from './ConsoleToolbar';
import { DisplayFallbackNotice, DisplaySwitch } from './DisplaySwitch';
import { IdleWarning } from './IdleWarning';
import { KeyboardLayoutSelect } from './KeyboardLayoutSelect';
import { KeysPanel } from './KeysPanel';
import { QUALITY_PREFERENCE, QualityPresetSelect } from './QualityPresetSelect';
import { RecordingBanner, useRecorded } from './RecordingBanner';
import { PresentPeople, ViewOnlyChip } from './SessionPeople';
import { useClipboardSync } from './useClipboardSync';
import { useConsoleConnection } from './useConsoleConnection';
import { useConsoleTelemetry } from './useConsoleTelemetry';
import { useFillHeight } from './useFillHeight';
import { useConsolePreference } from './useConsolePreference';
import { VIEW_MODE_PREFERENCE } from './viewMode';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexDirection: 'column',
    minHeight: 0,
    overflow: 'hidden',
    '&:fullscreen': {
      height: '100vh !important',
      padding: theme.spacing(1),
      background: theme.palette.background.default,
    },
  },
  body: {
    position: 'relative',
    flex: '1 1 auto',
    minHeight: 0,
    display: 'flex',
    gap: theme.spacing(1),
  },
  // noVNC fills this with its own element, which scrolls at 100%.
  screen: {
    flex: '1 1 auto',
    minWidth: 0,
    minHeight: 0,
    background: '#1e1e1e',
    overflow: 'hidden',
  },
  side: {
    flex: 'none',
    width: 340,
    maxWidth: '40%',
    overflowY: 'auto',
    padding: theme.spacing(1.5),
  },
  panel: { '& + &': { marginTop: theme.spacing(2) } },
}));

/**
 * The desktop's screen in the browser, filling the window below where it
 * starts. noVNC is loaded only when a console opens, in its own chunk. The
 * Backstage token travels as a websocket subprotocol, never in the URL.
 * @public
 */
export function DesktopConsole(props: {
  name: string;
  autoConnect?: boolean;
  maxReconnectDelayMs?: number;
  /** Shown at the toolbar's end, e.g. a link to open the console elsewhere. */
  toolbarExtra?: ReactNode;
  /** The caller's access; `view` watches only, from the first frame on. */
  access?: WorkspaceAccess;
  /** The desktop's owner, named to those it is shared with. */
  owner?: string;
}) {
  const { name, autoConnect = true, maxReconnectDelayMs = 30_000 } = props;
  const classes = useStyles();
  const root = useRef<HTMLDivElement>(null);
  useFillHeight(root);
  const [mode, setMode] = useConsolePreference(VIEW_MODE_PREFERENCE);
  const [chosenViewOnly, setViewOnly] = useState(false);
  // The proxy drops a watcher's input anyway; noVNC in view-only mode also
  // keeps the page from acting as if keys and clipboard went through.
  const [proxyViewOnly, setProxyViewOnly] = useState(false);
  const lockedViewOnly = props.access === 'view' || proxyViewOnly;
  const viewOnly = lockedViewOnly || chosenViewOnly;
  const [quality, setQuality] = useConsolePreference(QUALITY_PREFERENCE);
  const [display, setDisplay] = useState<ConsoleDisplay>('desktop');
  const [fullscreen, setFullscreen] = useState(false);
  const [panels, setPanels] = useState({ keys: false, clipboard: false });
  const [remoteClipboard, setRemoteClipboard] = useState('');
  const [clipboardUnread, setClipboardUnread] = useState(false);
  const { screen, rfb, channel, state, shown, connect, disconnect } =
    useConsoleConnection({
      name,
      display,
      autoConnect,
      maxReconnectDelayMs,
      mode,
      viewOnly,
      quality,
      onClipboard: text => {
        setRemoteClipboard(text);
        setClipboardUnread(true);
      },
    });
  const connected = state.kind === 'connected';
  const telemetry = useConsoleTelemetry(channel, screen, connected);
  const clipboardSync = useClipboardSync({ screen, rfb, connected, viewOnly });
  const recorded = useRecorded(name, telemetry.recording);
  useEffect(() => {
    if (telemetry.viewOnly) setProxyViewOnly(true);
  }, [telemetry.viewOnly]);

  useEffect(() => {
    const onChange = () =>
      setFullscreen(
        !!root.current && document.fullscreenElement === root.current,
      );
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const togglePanel = (panel: ConsolePanel) => {
    if (panel === 'clipboard') setClipboardUnread(false);
    setPanels(p => ({ ...p, [panel]: !p[panel] }));
  };
  const toggleFullscreen = () => {
    if (document.fullscreenElement) document.exitFullscreen?.();
    else root.current?.requestFullscreen?.();
  };

  return (
    <div
      ref={root}
      className={classes.root}
      data-testid="desktop-console"
      data-view-mode={mode}
    >
      <ConsoleToolbar
        state={state}
        onConnect={connect}
        onDisconnect={disconnect}
        mode={mode}
        onMode={setMode}
        fullscreen={fullscreen}
        onFullscreen={toggleFullscreen}
        panels={panels}
        onPanel={togglePanel}
        clipboardUnread={clipboardUnread && !panels.clipboard}
        viewOnly={viewOnly}
        onViewOnly={setViewOnly}
        viewOnlyLocked={lockedViewOnly}
        telemetry={telemetry}
        extra={
          <>
            {lockedViewOnly && <ViewOnlyChip owner={props.owner} />}
            {connected && !!telemetry.present?.length && (
              <PresentPeople present={telemetry.present} />
            )}
            <DisplaySwitch
              shown={shown}
              chosen={display}
              onChoose={setDisplay}
            />
            <QualityPresetSelect value={quality} onChange={setQuality} />
            {props.toolbarExtra}
          </>
        }
      />
      <RecordingBanner recorded={recorded} />
      <DisplayFallbackNotice shown={shown} onRetry={() => connect()} />
      {connected && !viewOnly && (
        <ClipboardSyncNotice
          sync={clipboardSync}
          onOpenPanel={
            panels.clipboard ? undefined : () => togglePanel('clipboard')
          }
        />
      )}
      <div className={classes.body}>
        {connected && (
          <IdleWarning
            leftMs={telemetry.idleLeftMs}
            timeoutMs={telemetry.idleTimeoutMs}
            viewOnly={viewOnly}
          />
        )}
        <div
          ref={screen}
          className={classes.screen}
          data-testid="desktop-console-canvas-container"
          data-view-mode={mode}
          data-scale-percent={telemetry.desktop?.scalePercent}
        />
        {/* Kept mounted while hidden, so typed text and the desktop's clipboard stay. */}
        <Paper
          variant="outlined"
          className={classes.side}
          hidden={!panels.keys && !panels.clipboard}
        >
          <section
            id="desktop-console-keys"
            className={classes.panel}
            hidden={!panels.keys}
            data-testid="desktop-console-keys-panel"
          >
            <KeysPanel rfb={rfb} disabled={!connected || viewOnly} />
            <KeyboardLayoutSelect
              name={name}
              connected={connected}
              disabled={viewOnly}
            />
          </section>
          <section
            id="desktop-console-clipboard"
            className={classes.panel}
            hidden={!panels.clipboard}
            data-testid="desktop-console-clipboard-panel"
          >
            <ClipboardPanel
              rfb={rfb}
              remoteText={remoteClipboard}
              connected={connected}
              viewOnly={viewOnly}
            />
          </section>
        </Paper>
      </div>
    </div>
  );
}
