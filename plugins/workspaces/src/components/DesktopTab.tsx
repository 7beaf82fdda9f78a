import { useEffect, useRef, useState } from 'react';
import {
  Link,
  Progress,
  ResponseErrorPanel,
  EmptyState,
  WarningPanel,
} from '@backstage/core-components';
import { Box, Button, Typography } from '@material-ui/core';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import {
  DesktopConsole,
  useWorkspace,
  WorkspaceStatusBadge,
} from '@desktop-mania/plugin-workspaces-react';
import { consoleRouteRef } from '../routes';
import { WorkspaceActions } from './WorkspaceActions';
import { DesktopGone, isGone, useFollowChanges } from './followChanges';

/**
 * Where the cluster cannot open a console beside another one (KubeVirt
 * before v1.7.0 has no preserveSession), connecting silently cuts off
 * whoever is watching, so the user decides instead of the page.
 */
function SharedSessionWarning(props: { onConnect(): void }) {
  return (
    <Box data-testid="console-shared-session-warning">
      <WarningPanel
        defaultExpanded
        title="Connecting disconnects anyone else viewing this desktop"
        message="On this cluster, opening the console ends the session of anyone else who is viewing this desktop, without telling them. Check that nobody is using it before you connect."
      />
      <Box mt={1}>
        <Button variant="contained" color="primary" onClick={props.onConnect}>
          Connect anyway
        </Button>
      </Box>
    </Box>
  );
}

/**
 * The console of a running desktop; its lifecycle buttons instead of a
 * black screen otherwise. `standalone` is the console's own window, which
 * names the desktop instead of offering to open another window.
 */
export function DesktopView(props: { name: string; standalone?: boolean }) {
  const live = useWorkspace(props.name);
  const { workspace, error, loading } = live;
  const onChanged = useFollowChanges(live);
  const consoleLink = useRouteRef(consoleRouteRef);
  const running = workspace?.status.phase === 'Running';
  const [consoleAllowed, setConsoleAllowed] = useState(false);
  const mustAsk =
    !consoleAllowed && workspace?.status.consolePreservesSession === false;
  // A poll that learns only later that sessions are not preserved must not
  // tear down a console already open: that would end the session itself.
  useEffect(() => {
    if (running && !mustAsk) setConsoleAllowed(true);
  }, [running, mustAsk]);

  // The desktop as last read: once it answers 404 there is no other.
  const last = useRef(workspace);
  if (workspace) last.current = workspace;

  if (loading) return <Progress />;
  if (isGone(error)) {
    // A console already open closes with the backend's own reason (access
    // revoked, desktop deleted), which says more than "no longer exists".
    if (consoleAllowed && last.current)
      return (
        <DesktopConsole
          name={props.name}
          access={last.current.access}
          owner={last.current.owner}
        />
      );
    return <DesktopGone name={props.name} />;
  }
  if (error && !workspace)
    return (
      <ResponseErrorPanel error={error} title="Could not load the desktop" />
    );
  if (!workspace) return null;
  if (workspace.status.phase !== 'Running') {
    return (
      <EmptyState
        missing="content"
        title={`The desktop is ${workspace.status.phase.toLowerCase()}`}
        description={
          workspace.status.message ??
          (workspace.access && workspace.access !== 'manage'
            ? 'Its owner can start it.'
            : 'Start it to use it here.')
        }
        action={
          <>
            <WorkspaceStatusBadge status={workspace.status} />{' '}
            <WorkspaceActions workspace={workspace} onChanged={onChanged} />
          </>
        }
      />
    );
  }
  if (mustAsk) {
    return <SharedSessionWarning onConnect={() => setConsoleAllowed(true)} />;
  }
  let extra = null;
  if (props.standalone) {
    extra = (
      <Typography variant="subtitle2" component="h1">
        {props.name}
      </Typography>
    );
  } else if (consoleLink) {
    extra = (
      <Link
        to={consoleLink({ name: props.name })}
        target="_blank"
        style={{ whiteSpace: 'nowrap' }}
      >
        Open in new window
      </Link>
    );
  }
  return (
    <DesktopConsole
      name={props.name}
      toolbarExtra={extra}
      access={workspace.access}
      owner={workspace.owner}
    />
  );
}

/** The Desktop tab of a Workspace entity. */
export function DesktopTab() {
  const { entity } = useEntity();
  return <DesktopView name={entity.metadata.name} />;
}
