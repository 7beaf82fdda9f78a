import { Box, Typography, makeStyles } from '@material-ui/core';
import { CONSOLE_IDLE_WARNING_MS } from '@desktop-mania/plugin-workspaces-common';

const useStyles = makeStyles(theme => ({
  // Over the screen, not above it: a warning that took room would shrink
  // the screen, and in Fit mode resize the desktop for every viewer.
  root: {
    position: 'absolute',
    top: theme.spacing(1),
    left: '50%',
    transform: 'translateX(-50%)',
    zIndex: 1,
    maxWidth: '90%',
    boxShadow: theme.shadows[4],
    padding: theme.spacing(0.5, 1.5),
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
 * How long before the idle disconnect the console warns: the last minute,
 * or the last half of a timeout of a minute or less, which a one-minute
 * warning would cover whole, so that input could never clear it.
 */
export function idleWarningLeadMs(timeoutMs?: number): number {
  return timeoutMs !== undefined && timeoutMs <= CONSOLE_IDLE_WARNING_MS
    ? timeoutMs / 2
    : CONSOLE_IDLE_WARNING_MS;
}

/**
 * Warns shortly before the portal closes the console for inactivity;
 * `leftMs` follows the proxy's own count, so input the proxy does not
 * count (anything in view-only mode) does not hide it.
 */
export function IdleWarning(props: {
  leftMs?: number;
  /** The proxy's idle timeout; absent until its first answer. */
  timeoutMs?: number;
  viewOnly: boolean;
}) {
  const { leftMs, timeoutMs, viewOnly } = props;
  const classes = useStyles();
  if (leftMs === undefined || leftMs > idleWarningLeadMs(timeoutMs))
    return null;
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
