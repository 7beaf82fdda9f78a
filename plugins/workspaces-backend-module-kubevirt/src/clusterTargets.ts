import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { WorkspaceRef } from '@desktop-mania/plugin-workspaces-node';
import type { KubeVirtCluster } from './clusters';
import { KubeVirtApi } from './KubeVirtApi';
import { KubeVirtVersion } from './kubevirtVersion';
import { LABEL_WORKSPACE } from './labels';
import { toBackstageError } from './toBackstageError';

/** One configured cluster with its client and what its KubeVirt can do. */
export interface Target {
  cluster: KubeVirtCluster;
  api: KubeVirtApi;
  version: KubeVirtVersion;
}

/**
 * The provider's clusters by name, each with the one client every call to
 * it goes through, and the VM each desktop name stands for there.
 */
export class ClusterTargets {
  private readonly targets = new Map<string, Target>();

  constructor(clusters: KubeVirtCluster[], logger: LoggerService) {
    for (const cluster of clusters) {
      const api = new KubeVirtApi(cluster);
      this.targets.set(cluster.name, {
        cluster,
        api,
        version: new KubeVirtVersion(api, cluster.name, logger),
      });
    }
  }

  all(): Target[] {
    return [...this.targets.values()];
  }

  get(name: string): Target {
    const target = this.targets.get(name);
    if (!target)
      throw new NotFoundError(
        `No KubeVirt cluster named '${name}' is configured`,
      );
    return target;
  }

  /**
   * Desktop names and VM names: a desktop ordered the usual way is a VM of
   * its own name, but one claimed from a warm pool keeps its member's name
   * (`warm-…`), since Kubernetes names are immutable, and carries the
   * desktop's name in its `desktopmania.io/workspace` label, as every
   * desktop's VM does. So on a cluster with a pool, a desktop is found by
   * that label; elsewhere by name, as before, at no extra call. The backend
   * and everything above the provider only ever see desktop names.
   */
  async resolve(target: Target, ref: WorkspaceRef): Promise<WorkspaceRef> {
    if (!target.cluster.warmPool?.length) return ref;
    try {
      const [vm] = await target.api.listVirtualMachines(
        `${LABEL_WORKSPACE}=${ref.name}`,
      );
      return vm ? { ...ref, name: vm.metadata.name } : ref;
    } catch (error) {
      throw toBackstageError(error, {
        cluster: target.cluster,
        verb: 'list',
        resource: 'virtualmachines',
        name: ref.name,
      });
    }
  }
}
