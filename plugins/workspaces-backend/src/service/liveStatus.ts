import type {
  Workspace,
  WorkspaceStatus,
} from '@desktop-mania/plugin-workspaces-common';
import type { ProviderWorkspace } from '@desktop-mania/plugin-workspaces-node';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { ProviderRegistry } from './ProviderRegistry';

/**
 * Records joined with what their providers report: one listing per cluster,
 * however many desktops it holds. A cluster that cannot be asked gives its
 * desktops the phase `Unknown`, never an error for the whole list.
 */
export async function withLiveStatus(
  records: WorkspaceRecord[],
  providers: ProviderRegistry,
): Promise<Workspace[]> {
  const clusters = [...new Set(records.map(r => r.cluster))];
  const live = new Map<string, Map<string, ProviderWorkspace> | Error>();
  await Promise.all(
    clusters.map(async cluster => {
      try {
        const items = await providers.forCluster(cluster).list(cluster);
        live.set(cluster, new Map(items.map(i => [i.name, i])));
      } catch (error) {
        live.set(cluster, error as Error);
      }
    }),
  );
  return records.map(record => {
    const found = live.get(record.cluster);
    if (found instanceof Error) {
      return toWorkspace(record, {
        phase: 'Unknown',
        ready: false,
        message: `Cluster '${record.cluster}' could not be reached: ${found.message}`,
      });
    }
    if (record.state === 'creating') {
      return toWorkspace(record, {
        phase: 'Provisioning',
        ready: false,
        message: 'Being created',
      });
    }
    if (record.state === 'deleting') {
      return toWorkspace(record, {
        phase: 'Terminating',
        ready: false,
        message: 'Being deleted',
      });
    }
    const machine = found?.get(record.name);
    return toWorkspace(
      record,
      machine?.status ?? {
        phase: 'Failed',
        ready: false,
        message: `The machine behind this desktop is missing on cluster '${record.cluster}'`,
      },
      machine?.namespace,
    );
  });
}

export function toWorkspace(
  record: WorkspaceRecord,
  status: WorkspaceStatus,
  namespace?: string,
): Workspace {
  return {
    name: record.name,
    cluster: record.cluster,
    provider: record.provider,
    namespace,
    os: record.os,
    image: record.image,
    size: record.size,
    diskGi: record.diskGi,
    owner: record.owner,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString(),
    template: record.template,
    system: record.system,
    status,
  };
}
