import { Box, Typography, makeStyles } from '@material-ui/core';
import { CONSOLE_IDLE_WARNING_MS } from '@desktop-mania/plugin-workspaces-common';

const useStyles = makeStyles(theme => ({
  root: {
    padding: theme.spacing(0.5, 1.5),
    marginBottom: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
    background: theme.palette.warning.light,
    color: theme.palette.getContrastText(theme.palette.warning.light),
  },
}));

export function formatCountdown(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * Warns during the last minute before the portal closes the console for
 * inactivity; `leftMs` follows the proxy's own count, so input the proxy
 * does not count (anything in view-only mode) does not hide it.
 */
export function IdleWarning(props: { leftMs?: number; viewOnly: boolean }) {
  const { leftMs, viewOnly } = props;
  const classes = useStyles();
  if (leftMs === undefined || leftMs > CONSOLE_IDLE_WARNING_MS) return null;
  return (
    <Box
      className={classes.root}
      role="alert"
      data-testid="desktop-console-idle-warning"
    >
      <Typography variant="body2">
        Disconnecting in {/* Read once by the alert, not every second. */}
        <span role="timer" aria-live="off">
          {formatCountdown(leftMs)}
        </span>{' '}
        for inactivity —{' '}
        {viewOnly
          ? 'turn off View only, then move the mouse or press a key to stay'
          : 'move the mouse or press a key to stay'}
      </Typography>
    </Box>
  );
}
