import { useCallback, useEffect, useRef, useState } from 'react';
import {
  discoveryApiRef,
  identityApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  Box,
  Button,
  ButtonGroup,
  FormControlLabel,
  Menu,
  MenuItem,
  Paper,
  Switch,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import {
  CONSOLE_CLOSE_CODES,
  CONSOLE_PROTOCOL,
  encodeConsoleTokenProtocol,
} from '@desktop-mania/plugin-workspaces-common';
import type RFB from '@novnc/novnc';
import { KEYSYM, keysymFor } from './keysyms';

const useStyles = makeStyles(theme => ({
  screen: {
    background: '#1e1e1e',
    minHeight: 480,
    height: '70vh',
    overflow: 'hidden',
    '&:fullscreen': { height: '100vh' },
  },
  fill: { height: 'calc(100vh - 160px)' },
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    alignItems: 'center',
    marginBottom: theme.spacing(1),
  },
  clipboard: {
    display: 'grid',
    gridTemplateColumns: '1fr 1fr',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
    padding: theme.spacing(1),
  },
}));

/** Where the connection stands, as the status line tells it. @public */
export type ConsoleState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'connected'; desktopName?: string }
  | { kind: 'disconnected'; reason: string }
  | { kind: 'reconnecting'; inSeconds: number; reason: string }
  | { kind: 'inUse'; reason: string };

// Refusals a retry cannot fix.
const FINAL_CODES: number[] = [
  CONSOLE_CLOSE_CODES.unauthenticated,
  CONSOLE_CLOSE_CODES.forbidden,
  CONSOLE_CLOSE_CODES.notFound,
  CONSOLE_CLOSE_CODES.notRunning,
  CONSOLE_CLOSE_CODES.tooManySessions,
  CONSOLE_CLOSE_CODES.idle,
  1003,
];

const COMBOS: Array<{ label: string; keys: number[] }> = [
  { label: 'Alt+Tab', keys: [KEYSYM.Alt_L, KEYSYM.Tab] },
  { label: 'Ctrl+Alt+F1', keys: [KEYSYM.Control_L, KEYSYM.Alt_L, KEYSYM.F1] },
  {
    label: 'Ctrl+Alt+F7',
    keys: [KEYSYM.Control_L, KEYSYM.Alt_L, KEYSYM.F1 + 6],
  },
  { label: 'Windows key', keys: [KEYSYM.Super_L] },
  { label: 'Escape', keys: [KEYSYM.Escape] },
];

function describeState(state: ConsoleState): string {
  switch (state.kind) {
    case 'idle':
      return 'Not connected';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return state.desktopName
        ? `Connected to ${state.desktopName}`
        : 'Connected';
    case 'disconnected':
      return `Disconnected: ${state.reason}`;
    case 'reconnecting':
      return `Connection lost (${state.reason}); reconnecting in ${state.inSeconds} s`;
    case 'inUse':
      return `In use: ${state.reason}`;
    default:
      return '';
  }
}

/**
 * The desktop's screen in the browser. noVNC is loaded only when a console
 * opens, in its own chunk. The Backstage token travels as a websocket
 * subprotocol, never in the URL.
 * @public
 */
export function DesktopConsole(props: {
  name: string;
  autoConnect?: boolean;
  fill?: boolean;
  maxReconnectDelayMs?: number;
}) {
  const { name, autoConnect = true, maxReconnectDelayMs = 30_000 } = props;
  const classes = useStyles();
  const discoveryApi = useApi(discoveryApiRef);
  const identityApi = useApi(identityApiRef);
  const screen = useRef<HTMLDivElement>(null);
  const rfb = useRef<RFB>();
  const attempts = useRef(0);
  const retryTimer = useRef<ReturnType<typeof setInterval>>();
  const userClosed = useRef(false);
  const [state, setState] = useState<ConsoleState>({ kind: 'idle' });
  const [scale, setScale] = useState(true);
  const [viewOnly, setViewOnly] = useState(false);
  const [remoteClipboard, setRemoteClipboard] = useState('');
  const [localText, setLocalText] = useState('');
  const [comboAnchor, setComboAnchor] = useState<HTMLElement | null>(null);
  const settings = useRef({ scale, viewOnly });
  settings.current = { scale, viewOnly };

  const stopRetry = () => {
    if (retryTimer.current) clearInterval(retryTimer.current);
    retryTimer.current = undefined;
  };

  const connect = useCallback(
    async (takeover = false) => {
      stopRetry();
      rfb.current?.disconnect();
      userClosed.current = false;
      setState({ kind: 'connecting' });
      const [{ default: RFBClass }, baseUrl, { token }] = await Promise.all([
        import('@novnc/novnc'),
        discoveryApi.getBaseUrl('workspaces'),
        identityApi.getCredentials(),
      ]);
      if (!screen.current) return;
      const url = `${baseUrl.replace(
        /^http/,
        'ws',
      )}/workspaces/${encodeURIComponent(name)}/console${
        takeover ? '?takeover=true' : ''
      }`;
      const socket = new WebSocket(url, [
        CONSOLE_PROTOCOL,
        ...(token ? [encodeConsoleTokenProtocol(token)] : []),
      ]);
      socket.binaryType = 'arraybuffer';
      let closed: { code: number; reason: string } | undefined;
      // Registered before noVNC's own listener, so the code is known when it reports.
      socket.addEventListener('close', e => {
        closed = { code: e.code, reason: e.reason };
      });
      const client = new RFBClass(screen.current, socket, { shared: true });
      client.scaleViewport = settings.current.scale;
      client.resizeSession = !settings.current.scale;
      client.viewOnly = settings.current.viewOnly;
      client.background = '#1e1e1e';
      rfb.current = client;

      client.addEventListener('connect', () => {
        attempts.current = 0;
        setState({ kind: 'connected' });
        client.focus();
      });
      client.addEventListener('desktopname', (e: any) =>
        setState(s =>
          s.kind === 'connected' ? { ...s, desktopName: e.detail.name } : s,
        ),
      );
      client.addEventListener('clipboard', (e: any) =>
        setRemoteClipboard(e.detail.text),
      );
      client.addEventListener('disconnect', () => {
        if (rfb.current !== client) return;
        rfb.current = undefined;
        const code = closed?.code ?? 1006;
        const reason =
          closed?.reason ||
          (code === 1006
            ? 'the connection dropped'
            : `closed with code ${code}`);
        if (userClosed.current) {
          setState({ kind: 'disconnected', reason: 'you disconnected' });
        } else if (code === CONSOLE_CLOSE_CODES.inUse) {
          setState({ kind: 'inUse', reason });
        } else if (FINAL_CODES.includes(code) || code === 1000) {
          setState({ kind: 'disconnected', reason });
        } else {
          const delay = Math.min(
            maxReconnectDelayMs,
            1000 * 2 ** attempts.current,
          );
          attempts.current += 1;
          let left = Math.ceil(delay / 1000);
          setState({ kind: 'reconnecting', inSeconds: left, reason });
          retryTimer.current = setInterval(() => {
            left -= 1;
            if (left <= 0) {
              connect();
            } else {
              setState({ kind: 'reconnecting', inSeconds: left, reason });
            }
          }, 1000);
        }
      });
    },
    [discoveryApi, identityApi, name, maxReconnectDelayMs],
  );

  const disconnect = () => {
    stopRetry();
    userClosed.current = true;
    if (rfb.current) rfb.current.disconnect();
    else setState({ kind: 'disconnected', reason: 'you disconnected' });
  };

  useEffect(() => {
    if (autoConnect)
      connect().catch(e =>
        setState({ kind: 'disconnected', reason: String(e) }),
      );
    return () => {
      stopRetry();
      userClosed.current = true;
      rfb.current?.disconnect();
    };
  }, [autoConnect, connect]);

  useEffect(() => {
    if (!rfb.current) return;
    rfb.current.scaleViewport = scale;
    rfb.current.resizeSession = !scale;
    rfb.current.viewOnly = viewOnly;
  }, [scale, viewOnly]);

  const connected = state.kind === 'connected';
  const sendCombo = (keys: number[]) => {
    keys.forEach(k => rfb.current?.sendKey(k, null, true));
    [...keys].reverse().forEach(k => rfb.current?.sendKey(k, null, false));
    setComboAnchor(null);
  };
  const typeText = () => {
    for (const char of localText) rfb.current?.sendKey(keysymFor(char), null);
  };

  return (
    <Box>
      <div className={classes.toolbar}>
        <ButtonGroup size="small" variant="outlined">
          <Button
            onClick={() => connect()}
            disabled={state.kind === 'connecting' || connected}
          >
            Connect
          </Button>
          <Button
            onClick={disconnect}
            disabled={!connected && state.kind !== 'reconnecting'}
          >
            Disconnect
          </Button>
          <Button
            onClick={() => screen.current?.requestFullscreen?.()}
            disabled={!connected}
          >
            Fullscreen
          </Button>
        </ButtonGroup>
        <ButtonGroup
          size="small"
          variant="outlined"
          disabled={!connected || viewOnly}
        >
          <Button onClick={() => rfb.current?.sendCtrlAltDel()}>
            Send Ctrl+Alt+Del
          </Button>
          <Button
            aria-haspopup="true"
            onClick={e => setComboAnchor(e.currentTarget)}
          >
            Keys
          </Button>
        </ButtonGroup>
        <Menu
          anchorEl={comboAnchor}
          open={!!comboAnchor}
          onClose={() => setComboAnchor(null)}
          keepMounted
        >
          {COMBOS.map(c => (
            <MenuItem key={c.label} onClick={() => sendCombo(c.keys)}>
              {c.label}
            </MenuItem>
          ))}
        </Menu>
        <FormControlLabel
          control={
            <Switch
              size="small"
              checked={scale}
              onChange={e => setScale(e.target.checked)}
            />
          }
          label={scale ? 'Scale to window' : 'Resize desktop'}
        />
        <FormControlLabel
          control={
            <Switch
              size="small"
              checked={viewOnly}
              onChange={e => setViewOnly(e.target.checked)}
            />
          }
          label="View only"
        />
        {state.kind === 'inUse' && (
          <Button
            size="small"
            color="secondary"
            variant="contained"
            onClick={() => connect(true)}
          >
            Take over
          </Button>
        )}
        <Typography
          variant="body2"
          data-testid="desktop-console-status"
          role="status"
        >
          {describeState(state)}
        </Typography>
      </div>
      <div
        ref={screen}
        className={`${classes.screen} ${props.fill ? classes.fill : ''}`}
        data-testid="desktop-console-canvas-container"
      />
      <Paper variant="outlined" className={classes.clipboard}>
        <div>
          <TextField
            label="Desktop clipboard"
            value={remoteClipboard}
            multiline
            minRows={2}
            fullWidth
            InputProps={{ readOnly: true }}
            inputProps={{ 'data-testid': 'desktop-clipboard-remote' }}
          />
          <Button
            size="small"
            onClick={() => navigator.clipboard?.writeText(remoteClipboard)}
            disabled={!remoteClipboard}
          >
            Copy
          </Button>
        </div>
        <div>
          <TextField
            label="Text for the desktop"
            value={localText}
            onChange={e => setLocalText(e.target.value)}
            multiline
            minRows={2}
            fullWidth
            inputProps={{ 'data-testid': 'desktop-clipboard-local' }}
          />
          <Button
            size="small"
            disabled={!connected || !localText}
            onClick={() => rfb.current?.clipboardPasteFrom(localText)}
          >
            Paste to desktop
          </Button>
          <Button
            size="small"
            disabled={!connected || !localText || viewOnly}
            onClick={typeText}
          >
            Type into desktop
          </Button>
        </div>
      </Paper>
    </Box>
  );
}
