import { useState } from 'react';
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
import { KEYSYM, keysymFor } from './keysyms';
import {
  type ConsoleState,
  useConsoleConnection,
} from './useConsoleConnection';

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
      return state.inSeconds > 0
        ? `Connection lost (${state.reason}); reconnecting in ${state.inSeconds} s`
        : `${state.reason}; reconnecting…`;
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
  const [scale, setScale] = useState(true);
  const [viewOnly, setViewOnly] = useState(false);
  const [remoteClipboard, setRemoteClipboard] = useState('');
  const [localText, setLocalText] = useState('');
  const [comboAnchor, setComboAnchor] = useState<HTMLElement | null>(null);
  const { screen, rfb, state, connect, disconnect } = useConsoleConnection({
    name,
    autoConnect,
    maxReconnectDelayMs,
    scale,
    viewOnly,
    onClipboard: setRemoteClipboard,
  });

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
