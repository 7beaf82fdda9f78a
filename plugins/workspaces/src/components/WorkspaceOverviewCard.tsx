import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  useWorkspace,
  WorkspaceStatusBadge,
} from '@desktop-mania/plugin-workspaces-react';
import { followChanges, WorkspaceActions } from './WorkspaceActions';
import { expiresIn } from './expiry';

function when(iso?: string) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/**
 * What a desktop is and how it is doing, with its lifecycle buttons.
 *
 * @public
 */
export function WorkspaceOverviewCard() {
  const { entity } = useEntity();
  const live = useWorkspace(entity.metadata.name);
  const { workspace, error, loading } = live;

  if (loading)
    return (
      <InfoCard title="Desktop">
        <Progress />
      </InfoCard>
    );
  if (error && !workspace)
    return (
      <ResponseErrorPanel error={error} title="Could not load the desktop" />
    );
  if (!workspace) return null;
  return (
    <InfoCard
      title="Desktop"
      subheader={<WorkspaceStatusBadge status={workspace.status} />}
    >
      <StructuredMetadataTable
        metadata={{
          Status: workspace.status.message
            ? `${workspace.status.phase} — ${workspace.status.message}`
            : workspace.status.phase,
          'Operating system': workspace.os === 'windows' ? 'Windows' : 'Linux',
          Image: workspace.image,
          Size: workspace.size,
          Disk: `${workspace.diskGi} GiB`,
          Owner: workspace.owner,
          Cluster: workspace.cluster,
          Node: workspace.status.node ?? '—',
          'IP address': workspace.status.ip ?? '—',
          Created: when(workspace.createdAt),
          Expires: workspace.expiresAt
            ? `${expiresIn(workspace.expiresAt)} (${when(workspace.expiresAt)})`
            : 'never',
        }}
      />
      <div style={{ marginTop: 16 }}>
        <WorkspaceActions
          workspace={workspace}
          onChanged={followChanges(live)}
        />
      </div>
    </InfoCard>
  );
}
