import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Typography } from '@material-ui/core';
import type { WorkspaceUsage } from '@desktop-mania/plugin-workspaces-common';
import {
  useWorkspace,
  workspacesApiRef,
  WorkspaceStatusBadge,
} from '@desktop-mania/plugin-workspaces-react';
import { WorkspaceActions } from './WorkspaceActions';
import { DesktopGone, isGone, useFollowChanges } from './followChanges';
import { expiresIn } from './expiry';

function when(iso?: string) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

const USAGE_REFRESH_MS = 10_000;
const GiB = 2 ** 30;

function bytes(value: number) {
  return value >= GiB
    ? `${(value / GiB).toFixed(1)} GiB`
    : `${Math.round(value / 2 ** 20)} MiB`;
}

function usedOf(used?: number, limit?: number) {
  if (used === undefined) return 'not available';
  return limit === undefined
    ? bytes(used)
    : `${bytes(used)} of ${bytes(limit)} (${Math.round(
        (used / limit) * 100,
      )}%)`;
}

/**
 * What the desktop uses now, asked again every 10 s while the page is in
 * view; a hidden tab asks nothing.
 */
function ResourcesSection(props: { name: string }) {
  const api = useApi(workspacesApiRef);
  const [usage, setUsage] = useState<WorkspaceUsage>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      timer = undefined;
      if (document.visibilityState === 'hidden') return;
      let next: WorkspaceUsage;
      try {
        next = await api.getWorkspaceUsage(props.name);
      } catch (e) {
        next = { available: false, reason: (e as Error).message };
      }
      if (stopped) return;
      setUsage(next);
      timer = setTimeout(poll, USAGE_REFRESH_MS);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible' && !timer) poll();
    };
    poll();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [api, props.name]);

  return (
    <div style={{ marginTop: 16 }}>
      <Typography variant="subtitle2">Resources</Typography>
      {!usage && <Typography variant="body2">Measuring…</Typography>}
      {usage && !usage.available && (
        <Typography variant="body2">
          Not available{usage.reason ? `: ${usage.reason}` : ''}
        </Typography>
      )}
      {usage?.available && (
        <StructuredMetadataTable
          metadata={{
            CPU:
              usage.cpuCores === undefined
                ? 'not available'
                : `${usage.cpuCores.toFixed(2)} CPU`,
            Memory: usedOf(usage.memoryBytes, usage.memoryLimitBytes),
            Disk: usedOf(usage.diskBytes, usage.diskLimitBytes),
          }}
        />
      )}
    </div>
  );
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
  const onChanged = useFollowChanges(live);

  if (loading)
    return (
      <InfoCard title="Desktop">
        <Progress />
      </InfoCard>
    );
  // The last answer before the 404 would still offer Stop and Restart.
  if (isGone(error))
    return (
      <InfoCard title="Desktop">
        <DesktopGone name={entity.metadata.name} />
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
      <ResourcesSection name={workspace.name} />
      <div style={{ marginTop: 16 }}>
        <WorkspaceActions workspace={workspace} onChanged={onChanged} />
      </div>
    </InfoCard>
  );
}
