import {
  Link,
  Progress,
  ResponseErrorPanel,
  EmptyState,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Button } from '@material-ui/core';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { workspaceLifecyclePermission } from '@desktop-mania/plugin-workspaces-common';
import {
  DesktopConsole,
  useWorkspace,
  workspacesApiRef,
  WorkspaceStatusBadge,
} from '@desktop-mania/plugin-workspaces-react';

/** The console of a running desktop; a Start button instead of a black screen otherwise. */
export function DesktopView(props: { name: string; fill?: boolean }) {
  const api = useApi(workspacesApiRef);
  const { workspace, error, loading, setWorkspace } = useWorkspace(props.name);
  const lifecycle = usePermission({
    permission: workspaceLifecyclePermission,
    resourceRef: props.name,
  });

  if (loading) return <Progress />;
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
        description={workspace.status.message ?? 'Start it to use it here.'}
        action={
          <>
            <WorkspaceStatusBadge status={workspace.status} />{' '}
            <Button
              variant="contained"
              color="primary"
              disabled={
                !lifecycle.allowed ||
                ['Starting', 'Provisioning', 'Terminating'].includes(
                  workspace.status.phase,
                )
              }
              onClick={async () =>
                setWorkspace(await api.runAction(props.name, 'start'))
              }
            >
              Start
            </Button>
          </>
        }
      />
    );
  }
  return (
    <>
      <div style={{ textAlign: 'right', marginBottom: 4 }}>
        <Link
          to={`/workspaces/${encodeURIComponent(props.name)}/console`}
          target="_blank"
        >
          Open in new window
        </Link>
      </div>
      <DesktopConsole name={props.name} fill={props.fill} />
    </>
  );
}

/** The Desktop tab of a Workspace entity. */
export function DesktopTab() {
  const { entity } = useEntity();
  return <DesktopView name={entity.metadata.name} />;
}
