import type { ReactNode } from 'react';
import {
  Badge,
  Button,
  ButtonGroup,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { ConnectionIndicator } from './ConnectionIndicator';
import type { ConsoleState } from './useConsoleConnection';
import type { ConsoleTelemetry } from './useConsoleTelemetry';
import type { ViewMode } from './viewMode';

export type ConsolePanel = 'keys' | 'clipboard';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    alignItems: 'center',
    marginBottom: theme.spacing(1),
    // An outlined select's label sits half above its box; the console
    // clips what leaves it, so a select in the first row needs this room.
    paddingTop: theme.spacing(1),
    flex: 'none',
  },
  // Wraps inside itself before the whole row wraps.
  status: { flex: '1 1 160px', minWidth: 0 },
  // While a screen is shown the toolbar keeps its height: a taller toolbar
  // shrinks the screen, which in Fit mode resizes the desktop, and a resize
  // drops any other viewer still joining.
  oneLine: {
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  // Its items keep their size and wrap as a whole, so a narrow window
  // (people connected, the quality select) never cuts one off.
  end: {
    marginLeft: 'auto',
    display: 'flex',
    flexWrap: 'wrap',
    justifyContent: 'flex-end',
    alignItems: 'center',
    gap: theme.spacing(1.5),
    '& > *': { flex: 'none' },
  },
  quiet: { whiteSpace: 'nowrap', color: theme.palette.text.secondary },
  // Room for "12 viewers", so a count changing does not move the row.
  viewers: { minWidth: '5.5em', textAlign: 'right' },
}));

export function describeState(state: ConsoleState): string {
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
      return state.inSeconds > 0
        ? `Connection lost (${state.reason}); reconnecting in ${state.inSeconds} s`
        : `${state.reason}; reconnecting…`;
    case 'inUse':
      return `In use: ${state.reason}`;
    default:
      return '';
  }
}

const pressed = (on: boolean) =>
  ({ variant: on ? 'contained' : 'outlined', 'aria-pressed': on } as const);

/** One row: connection, view, panels, then what the console measures. */
export function ConsoleToolbar(props: {
  state: ConsoleState;
  onConnect(takeover?: boolean): void;
  onDisconnect(): void;
  mode: ViewMode;
  onMode(mode: ViewMode): void;
  fullscreen: boolean;
  onFullscreen(): void;
  panels: Record<ConsolePanel, boolean>;
  onPanel(panel: ConsolePanel): void;
  clipboardUnread: boolean;
  viewOnly: boolean;
  onViewOnly(on: boolean): void;
  /** View only is not this person's choice: their share lets them only watch. */
  viewOnlyLocked?: boolean;
  telemetry: ConsoleTelemetry;
  extra?: ReactNode;
}) {
  const { state, mode, panels, telemetry } = props;
  const classes = useStyles();
  const connected = state.kind === 'connected';
  const live = connected || state.kind === 'reconnecting';
  const { desktop, viewers } = telemetry;

  return (
    <div className={classes.toolbar} data-testid="desktop-console-toolbar">
      {live ? (
        <Button size="small" variant="outlined" onClick={props.onDisconnect}>
          Disconnect
        </Button>
      ) : (
        <Button
          size="small"
          variant="outlined"
          onClick={() => props.onConnect()}
          disabled={state.kind === 'connecting'}
        >
          Connect
        </Button>
      )}
      {state.kind === 'inUse' && (
        <Button
          size="small"
          color="secondary"
          variant="contained"
          onClick={() => props.onConnect(true)}
        >
          Take over
        </Button>
      )}
      <ButtonGroup size="small" color="primary" aria-label="View">
        <Button
          {...pressed(mode === 'fit')}
          title="Resize the desktop to this window, or scale it where the desktop cannot resize"
          onClick={() => props.onMode('fit')}
        >
          Fit
        </Button>
        <Button
          {...pressed(mode === 'actual')}
          title="Show the desktop pixel for pixel, with scrollbars where it is larger"
          onClick={() => props.onMode('actual')}
        >
          100%
        </Button>
        <Button {...pressed(props.fullscreen)} onClick={props.onFullscreen}>
          Full screen
        </Button>
      </ButtonGroup>
      <ButtonGroup size="small" color="primary" aria-label="Panels and input">
        <Button
          {...pressed(panels.keys)}
          aria-pressed={undefined}
          aria-expanded={panels.keys}
          aria-controls="desktop-console-keys"
          onClick={() => props.onPanel('keys')}
        >
          Keys
        </Button>
        <Button
          {...pressed(panels.clipboard)}
          aria-pressed={undefined}
          aria-expanded={panels.clipboard}
          aria-controls="desktop-console-clipboard"
          onClick={() => props.onPanel('clipboard')}
        >
          <Badge
            overlap="rectangular"
            color="secondary"
            variant="dot"
            invisible={!props.clipboardUnread}
          >
            Clipboard
          </Badge>
        </Button>
        <Button
          {...pressed(props.viewOnly)}
          disabled={props.viewOnlyLocked}
          title="Watch without sending the mouse or keys to the desktop"
          onClick={() => props.onViewOnly(!props.viewOnly)}
        >
          View only
        </Button>
      </ButtonGroup>
      <Typography
        variant="body2"
        className={
          state.kind === 'connected' || state.kind === 'connecting'
            ? `${classes.status} ${classes.oneLine}`
            : classes.status
        }
        data-testid="desktop-console-status"
        role="status"
        title={describeState(state)}
      >
        {describeState(state)}
      </Typography>
      <div className={classes.end}>
        {connected && desktop && (
          <Typography
            variant="body2"
            className={classes.quiet}
            data-testid="desktop-console-scale"
            title="The desktop's size, and how large this page shows it"
          >
            {desktop.width}×{desktop.height} · {desktop.scalePercent}%
          </Typography>
        )}
        {connected && viewers !== undefined && (
          <Typography
            variant="body2"
            className={`${classes.quiet} ${classes.viewers}`}
            data-testid="desktop-console-viewers"
            title="Console sessions open on this desktop, yours included"
          >
            {viewers === 1 ? '1 viewer' : `${viewers} viewers`}
          </Typography>
        )}
        {connected && <ConnectionIndicator telemetry={telemetry} />}
        {props.extra}
      </div>
    </div>
  );
}
