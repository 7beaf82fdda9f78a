import { randomBytes } from 'crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { configError } from '@desktop-mania/config-node';
import type { WorkspaceOs } from '@desktop-mania/plugin-workspaces-common';
import type {
  ResolvedWorkspaceImage,
  ResolvedWorkspaceSize,
} from '@desktop-mania/plugin-workspaces-node';
import { buildVirtualMachine } from './buildVirtualMachine';
import type { KubeVirtCluster } from './clusters';
import { isNotFound } from './KubeApiError';
import type { KubeVirtApi } from './KubeVirtApi';
import { LABEL_WARM_POOL, MANAGED_BY } from './labels';
import type { VirtualMachineObject } from './objects';
import type { WarmPoolMetrics } from './warmPoolMetrics';

/**
 * Ready-to-claim desktops of one image and size on one cluster: disks
 * cloned, VMs stopped (or running), nobody's until an order claims one.
 *
 * @public
 */
export interface WarmPool {
  /** `<image>.<size>`: the value of the warm-pool label on its members. */
  key: string;
  image: ResolvedWorkspaceImage;
  size: ResolvedWorkspaceSize;
  /** Only orders of this disk size can take a member. */
  diskGi: number;
  count: number;
  /** Members run (booted, waiting) instead of waiting stopped. */
  running: boolean;
}

/** The scheduled task that refills every cluster's pools. */
export const WARM_POOL_TASK_ID = 'workspaces-kubevirt-warm-pool';
/** Placeholder account for building a member; a claim writes the owner's. */
const POOL_USER = 'pool';
const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
// A member in one of these will not become claimable by waiting
// (kubevirt/kubevirt staging/src/kubevirt.io/api/core/v1/types.go
// `VirtualMachinePrintableStatus`); the refill replaces it.
const BROKEN = [
  'CrashLoopBackOff',
  'ErrorUnschedulable',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrorPvcNotFound',
  'ErrorDataVolumeNotFound',
  'DataVolumeError',
  'Unknown',
];

function readImage(root: Config, name: string, key: string) {
  const image = (root.getOptionalConfigArray('workspaces.images') ?? []).find(
    i => i.getString('name') === name,
  );
  const source = image?.getOptionalConfig('dataSource');
  if (!image || !source) {
    throw configError(
      `${key}.image`,
      `'${name}' is not an image of workspaces.images with a dataSource`,
    );
  }
  const resolved: ResolvedWorkspaceImage = {
    name,
    title: image.getOptionalString('title') ?? name,
    os: image.getString('os') as WorkspaceOs,
    dataSource: {
      name: source.getString('name'),
      namespace: source.getOptionalString('namespace'),
    },
    preference: image.getOptionalString('preference'),
  };
  return {
    image: resolved,
    minimumDiskGi: image.getOptionalNumber('minimum.diskGi') ?? 0,
  };
}

function readSize(root: Config, name: string, key: string) {
  const size = (root.getOptionalConfigArray('workspaces.sizes') ?? []).find(
    s => s.getString('name') === name,
  );
  const instancetype = size?.getOptionalString('instancetype');
  if (!size || !instancetype) {
    throw configError(
      `${key}.size`,
      `'${name}' is not a size of workspaces.sizes with an instancetype`,
    );
  }
  return {
    name,
    title: size.getOptionalString('title') ?? name,
    instancetype,
  };
}

/**
 * A cluster's `warmPool` entries, checked against `workspaces.images` and
 * `workspaces.sizes` so a typo stops the backend instead of leaving a pool
 * nobody can claim from. Throws a config error naming the key.
 */
export function readWarmPools(
  cluster: Config,
  clusterKey: string,
  root: Config,
  os: WorkspaceOs[],
): WarmPool[] {
  const pools: WarmPool[] = [];
  (cluster.getOptionalConfigArray('warmPool') ?? []).forEach((entry, i) => {
    const key = `${clusterKey}.warmPool[${i}]`;
    const { image, minimumDiskGi } = readImage(
      root,
      entry.getString('image'),
      key,
    );
    const size = readSize(root, entry.getString('size'), key);
    if (!os.includes(image.os)) {
      throw configError(
        `${key}.image`,
        `'${image.name}' is ${image.os} and this cluster runs only ${os.join(
          ', ',
        )}`,
      );
    }
    const count = entry.getNumber('count');
    if (!Number.isInteger(count) || count < 0) {
      throw configError(
        `${key}.count`,
        `expected a whole number, got ${count}`,
      );
    }
    const diskGi =
      entry.getOptionalNumber('diskGi') ??
      Math.max(
        root.getOptionalNumber('workspaces.limits.diskGi.default') ?? 40,
        minimumDiskGi,
      );
    if (!Number.isInteger(diskGi) || diskGi < 1) {
      throw configError(`${key}.diskGi`, `expected whole GiB, got ${diskGi}`);
    }
    const poolKey = `${image.name}.${size.name}`;
    if (!LABEL_VALUE.test(poolKey)) {
      throw configError(
        key,
        `'${poolKey}' must fit a label value (63 characters); use shorter image or size names`,
      );
    }
    if (pools.some(p => p.key === poolKey)) {
      throw configError(key, `a pool of ${poolKey} is already configured`);
    }
    pools.push({
      key: poolKey,
      image,
      size,
      diskGi,
      count,
      running: entry.getOptionalBoolean('running') ?? false,
    });
  });
  return pools;
}

/** The labels of a member: this module's, the pool's, none of a desktop's. */
export function poolLabels(key: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/component': 'warm-pool',
    [LABEL_WARM_POOL]: key,
  };
}

/**
 * A member is a desktop's VM with nobody's name on it: the pool's labels
 * instead of a desktop's, no owner, and `Halted` so that the disk is cloned
 * but nothing boots until a claim has written the owner's first-boot Secret.
 */
export function buildPoolMember(
  pool: WarmPool,
  cluster: KubeVirtCluster,
  name = `warm-${randomBytes(5).toString('hex')}`,
) {
  const vm = buildVirtualMachine(
    {
      name,
      cluster: cluster.name,
      image: pool.image,
      size: pool.size,
      diskGi: pool.diskGi,
      owner: '',
      createdBy: '',
      username: POOL_USER,
    },
    cluster,
  );
  const labels = poolLabels(pool.key);
  const annotations = { ...vm.metadata.annotations };
  delete (annotations as Record<string, string>)['desktopmania.io/owner'];
  delete (annotations as Record<string, string>)['desktopmania.io/created-by'];
  return {
    ...vm,
    metadata: { ...vm.metadata, labels, annotations },
    spec: {
      ...vm.spec,
      runStrategy: pool.running ? 'RerunOnFailure' : 'Halted',
      dataVolumeTemplates: vm.spec.dataVolumeTemplates.map(t => ({
        ...t,
        metadata: { ...t.metadata, labels },
      })),
      template: {
        ...vm.spec.template,
        metadata: {
          ...vm.spec.template.metadata,
          labels: { ...labels, 'kubevirt.io/vm': name },
        },
      },
    },
  };
}

type Member = VirtualMachineObject & {
  metadata: { creationTimestamp?: string; deletionTimestamp?: string };
};

/** Claimable: disk cloned and the VM in the state the pool keeps it in. */
export function isReadyMember(pool: WarmPool, vm: VirtualMachineObject) {
  const status = vm.status?.printableStatus;
  return pool.running ? status === 'Running' : status === 'Stopped';
}

export async function listMembers(
  api: KubeVirtApi,
  pool: WarmPool,
): Promise<Member[]> {
  const vms: Member[] = await api.listVirtualMachines(
    `app.kubernetes.io/managed-by=${MANAGED_BY},${LABEL_WARM_POOL}=${pool.key}`,
  );
  return vms
    .filter(vm => !vm.metadata.deletionTimestamp)
    .sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(
        b.metadata.creationTimestamp ?? '',
      ),
    );
}

/**
 * Brings each pool of the cluster to its count: replaces broken members,
 * makes missing ones, and removes the newest when the count went down.
 * One pool failing does not keep the others from filling.
 */
export async function refillWarmPools(
  target: { cluster: KubeVirtCluster; api: KubeVirtApi; logger: LoggerService },
  metrics?: WarmPoolMetrics,
): Promise<void> {
  const { cluster, api, logger } = target;
  for (const pool of cluster.warmPool ?? []) {
    try {
      let members = await listMembers(api, pool);
      const remove = async (vm: Member, why: string) => {
        logger.info(
          `Removing warm-pool member ${vm.metadata.name} (${pool.key}) on ${cluster.name}: ${why}`,
        );
        await api
          .deleteVirtualMachine(vm.metadata.name, 'Background', vm.metadata.uid)
          .catch(error => {
            if (!isNotFound(error)) throw error;
          });
      };
      for (const vm of members) {
        if (BROKEN.includes(vm.status?.printableStatus ?? '')) {
          await remove(vm, `it is ${vm.status?.printableStatus}`);
        }
      }
      members = members.filter(
        vm => !BROKEN.includes(vm.status?.printableStatus ?? ''),
      );
      for (const vm of members.slice(pool.count).reverse()) {
        await remove(vm, `the pool keeps ${pool.count}`);
      }
      members = members.slice(0, pool.count);
      for (let i = members.length; i < pool.count; i++) {
        await api.createVirtualMachine(buildPoolMember(pool, cluster));
      }
      const ready = members.filter(vm => isReadyMember(pool, vm)).length;
      metrics?.setPool(cluster.name, pool, ready, pool.count - ready);
    } catch (error) {
      logger.warn(
        `Could not refill the warm pool ${pool.key} on cluster ${cluster.name}: ${error}`,
      );
    }
  }
}
