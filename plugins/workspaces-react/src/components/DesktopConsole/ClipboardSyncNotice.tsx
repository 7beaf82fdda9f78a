import { Box, Button, Typography, makeStyles } from '@material-ui/core';
import type { ClipboardSync } from './useClipboardSync';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 1.5),
    marginBottom: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
    background: theme.palette.info.light,
    color: theme.palette.getContrastText(theme.palette.info.light),
  },
}));

/** Why Ctrl+C and Ctrl+V do not reach the browser's clipboard, if they do not. */
export function clipboardSyncMessage(sync: ClipboardSync): string | undefined {
  const { read, write } = sync;
  if (read === 'unsupported' && write === 'unsupported')
    return 'This browser does not share its clipboard with the desktop (it needs HTTPS and a current browser)';
  if (read === 'denied' && write === 'denied')
    return 'Your browser did not allow this page to use its clipboard, so Ctrl+C and Ctrl+V stay inside the desktop; allow clipboard access for this site';
  if (read === 'denied')
    return "Your browser did not allow this page to read its clipboard, so Ctrl+V pastes only the desktop's own; allow clipboard access for this site";
  if (read === 'unsupported')
    return "This browser does not let the desktop read its clipboard, so Ctrl+V pastes only the desktop's own";
  if (write === 'denied')
    return "Your browser did not allow this page to write its clipboard, so what the desktop copies stays in the desktop's";
  return undefined;
}

/** Says when the browser's clipboard is out of the desktop's reach, pointing at the panel. */
export function ClipboardSyncNotice(props: {
  sync: ClipboardSync;
  onOpenPanel?: () => void;
}) {
  const classes = useStyles();
  const message = clipboardSyncMessage(props.sync);
  if (!message) return null;
  return (
    <Box
      className={classes.root}
      role="status"
      data-testid="desktop-console-clipboard-sync"
    >
      <Typography variant="body2">
        {message}, or use the clipboard panel.
      </Typography>
      {props.onOpenPanel && (
        <Button size="small" color="inherit" onClick={props.onOpenPanel}>
          Clipboard panel
        </Button>
      )}
    </Box>
  );
}
