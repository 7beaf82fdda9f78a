import type {
  ProviderWorkspace,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import { rootDiskName } from './buildVirtualMachine';
import type { KubeVirtCluster } from './clusters';
import type { Target } from './clusterTargets';
import { diskReport, type DiskReport } from './dataVolumeStatus';
import { isNotFound } from './KubeApiError';
import {
  ANNOTATION_EXPIRES_AT,
  ANNOTATION_OWNER,
  LABEL_WARM_POOL,
  LABEL_WORKSPACE,
  MANAGED_BY_SELECTOR,
} from './labels';
import type {
  VirtualMachineInstanceObject,
  VirtualMachineObject,
} from './objects';
import { DISK_STATUSES } from './printableStatus';
import { statusOf } from './status';
import { toBackstageError } from './toBackstageError';

/** A desktop as the backend sees it, from its VM and what else was read. */
export function toProviderWorkspace(
  cluster: KubeVirtCluster,
  vm: VirtualMachineObject,
  vmi?: VirtualMachineInstanceObject,
  disk?: DiskReport,
  consolePreservesSession?: boolean,
): ProviderWorkspace {
  return {
    name: vm.metadata.labels?.[LABEL_WORKSPACE] ?? vm.metadata.name,
    cluster: cluster.name,
    namespace: cluster.namespace,
    owner: vm.metadata.annotations?.[ANNOTATION_OWNER],
    expiresAt: vm.metadata.annotations?.[ANNOTATION_EXPIRES_AT],
    status: {
      ...statusOf(vm, vmi, disk),
      ...(consolePreservesSession === undefined
        ? {}
        : { consolePreservesSession }),
    },
  };
}

/**
 * While KubeVirt prepares the disk, CDI knows more than the VM says. A
 * DataVolume that cannot be read costs the desktop its detail, not the
 * whole answer.
 */
async function diskOf(
  { cluster, api }: Target,
  vm: VirtualMachineObject,
): Promise<DiskReport | undefined> {
  if (!DISK_STATUSES.includes(vm.status?.printableStatus ?? '')) {
    return undefined;
  }
  const name = rootDiskName(vm.metadata.name);
  try {
    return diskReport(await api.getDataVolume(name));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    return {
      problem: toBackstageError(error, {
        cluster,
        verb: 'get',
        resource: 'datavolumes',
        name,
      }).message,
    };
  }
}

/** One desktop by its VM's name (see `ClusterTargets.resolve`); undefined when it has none. */
export async function readWorkspace(
  target: Target,
  ref: WorkspaceRef,
): Promise<ProviderWorkspace | undefined> {
  const { cluster, api, version } = target;
  const orUndefined = <T>(promise: Promise<T>, resource: string) =>
    promise.catch(error => {
      if (isNotFound(error)) return undefined;
      throw toBackstageError(error, {
        cluster,
        verb: 'get',
        resource,
        name: ref.name,
      });
    });
  const [vm, vmi, preserves] = await Promise.all([
    orUndefined(api.getVirtualMachine(ref.name), 'virtualmachines'),
    orUndefined(
      api.getVirtualMachineInstance(ref.name),
      'virtualmachineinstances',
    ),
    version.preservesConsoleSession(),
  ]);
  if (!vm) return undefined;
  const disk = await diskOf(target, vm);
  return toProviderWorkspace(cluster, vm, vmi, disk, preserves);
}

/** Every desktop on the cluster, each VM joined with its instance and disk. */
export async function listWorkspaces(
  target: Target,
): Promise<ProviderWorkspace[]> {
  const { cluster, api, version } = target;
  try {
    const [all, vmis, preserves] = await Promise.all([
      api.listVirtualMachines(MANAGED_BY_SELECTOR),
      api.listVirtualMachineInstances(MANAGED_BY_SELECTOR),
      version.preservesConsoleSession(),
    ]);
    // Warm-pool members are nobody's desktops until claimed.
    const vms = all.filter(vm => !vm.metadata.labels?.[LABEL_WARM_POOL]);
    const byName = new Map(vmis.map(vmi => [vmi.metadata.name, vmi]));
    const disks = await Promise.all(vms.map(vm => diskOf(target, vm)));
    return vms.map((vm, i) =>
      toProviderWorkspace(
        cluster,
        vm,
        byName.get(vm.metadata.name),
        disks[i],
        preserves,
      ),
    );
  } catch (error) {
    throw toBackstageError(error, {
      cluster,
      verb: 'list',
      resource: 'virtualmachines',
    });
  }
}
