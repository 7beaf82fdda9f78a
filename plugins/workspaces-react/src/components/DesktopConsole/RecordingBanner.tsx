import { useEffect, useState } from 'react';
import { Box, Typography, makeStyles } from '@material-ui/core';
import { useApiHolder } from '@backstage/frontend-plugin-api';
import { workspacesApiRef } from '../../api';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 1.5),
    marginBottom: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${theme.palette.error.main}`,
    background: theme.palette.background.paper,
    color: theme.palette.text.primary,
  },
  // A recording light; this package has no icon set.
  dot: {
    flex: 'none',
    width: 10,
    height: 10,
    borderRadius: '50%',
    background: theme.palette.error.main,
  },
}));

/**
 * Whether this desktop's sessions are recorded: the live session's word
 * once the proxy answered, the desktop's before connecting. An app without
 * the workspaces API (a bare console in tests) knows only the proxy's.
 */
export function useRecorded(name: string, live?: boolean): boolean {
  const api = useApiHolder().get(workspacesApiRef);
  const [before, setBefore] = useState(false);
  useEffect(() => {
    if (!api) return undefined;
    let current = true;
    api.getWorkspace(name).then(
      w => current && setBefore(!!w.recorded),
      // The console says why it cannot connect; the banner stays out of it.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api, name]);
  return live ?? before;
}

/**
 * Tells whoever uses the desktop that their session is recorded, before
 * they connect and while connected. In the flow above the screen, not over
 * it: it is there from the start, so it does not resize the desktop later.
 */
export function RecordingBanner(props: { recorded: boolean }) {
  const classes = useStyles();
  if (!props.recorded) return null;
  return (
    <Box
      className={classes.root}
      role="status"
      data-testid="desktop-console-recording-banner"
    >
      <span className={classes.dot} aria-hidden="true" />
      <Typography variant="body2">
        This session is recorded: admins and the desktop's owner can replay what
        the screen shows.
      </Typography>
    </Box>
  );
}
