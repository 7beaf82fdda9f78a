import {
  Link,
  Progress,
  ResponseErrorPanel,
  EmptyState,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import {
  DesktopConsole,
  useWorkspace,
  WorkspaceStatusBadge,
} from '@desktop-mania/plugin-workspaces-react';
import { consoleRouteRef } from '../routes';
import { followChanges, WorkspaceActions } from './WorkspaceActions';

/** The console of a running desktop; its lifecycle buttons instead of a black screen otherwise. */
export function DesktopView(props: { name: string; fill?: boolean }) {
  const live = useWorkspace(props.name);
  const { workspace, error, loading } = live;
  const consoleLink = useRouteRef(consoleRouteRef);

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
            <WorkspaceActions
              workspace={workspace}
              onChanged={followChanges(live)}
            />
          </>
        }
      />
    );
  }
  return (
    <>
      {consoleLink && (
        <div style={{ textAlign: 'right', marginBottom: 4 }}>
          <Link to={consoleLink({ name: props.name })} target="_blank">
            Open in new window
          </Link>
        </div>
      )}
      <DesktopConsole name={props.name} fill={props.fill} />
    </>
  );
}

/** The Desktop tab of a Workspace entity. */
export function DesktopTab() {
  const { entity } = useEntity();
  return <DesktopView name={entity.metadata.name} />;
}
