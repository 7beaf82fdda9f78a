import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ApiException,
  createConfiguration,
  CustomObjectsApi,
  ServerConfiguration,
} from '@kubernetes/client-node';
import type {
  ProviderSnapshot,
  WorkspaceRef,
  WorkspaceSnapshots,
} from '@desktop-mania/plugin-workspaces-node';
import type { KubeVirtCluster } from './clusters';
import { isApiMissing, isNotFound, toKubeApiError } from './KubeApiError';
import { LABEL_WORKSPACE, MANAGED_BY } from './labels';
import type { Condition } from './objects';
import { toBackstageError } from './toBackstageError';

/** The group and version KubeVirt 1.8 serves snapshots at (the repo's pin, deploy/versions.yaml). */
const SNAPSHOT = { group: 'snapshot.kubevirt.io', version: 'v1beta1' };
export const LABEL_SNAPSHOT = 'desktopmania.io/snapshot';

/**
 * The parts of a VirtualMachineSnapshot and VirtualMachineRestore this
 * module reads (kubevirt/kubevirt staging/src/kubevirt.io/api/snapshot/v1beta1/types.go).
 */
interface SnapshotObject {
  metadata: { name: string; labels?: Record<string, string> };
  status?: {
    phase?: string;
    readyToUse?: boolean;
    error?: { message?: string };
    conditions?: Condition[];
    /** How the VM was when taken, e.g. Online, GuestAgent, NoGuestAgent. */
    indications?: string[];
  };
}
interface RestoreObject {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { virtualMachineSnapshotName: string };
  status?: { complete?: boolean; conditions?: Condition[] };
}

const condition = (conditions: Condition[] | undefined, type: string) =>
  conditions?.find(c => c.type === type);

/** What a VirtualMachineSnapshot's status says, as a snapshot's state. */
export function snapshotState(
  object: SnapshotObject,
): Omit<ProviderSnapshot, 'ref'> {
  const status = object.status;
  if (status?.phase === 'Failed' || status?.error?.message) {
    return {
      state: 'failed',
      message:
        status.error?.message ??
        condition(status.conditions, 'Failure')?.reason ??
        'The snapshot failed',
    };
  }
  if (status?.readyToUse) {
    // Taken while running with no guest agent to freeze its filesystems:
    // as if the power had been cut at that moment.
    return status.indications?.includes('NoGuestAgent')
      ? {
          state: 'ready',
          message:
            'Taken while the desktop ran without its guest agent: files open then may be inconsistent',
        }
      : { state: 'ready' };
  }
  return {
    state: 'in-progress',
    message: condition(status?.conditions, 'Progressing')?.reason,
  };
}

/**
 * Snapshots of desktops' VMs as KubeVirt VirtualMachineSnapshots, which
 * snapshot each disk through its CSI driver (Longhorn's, with the
 * VolumeSnapshotClass deploy/ installs), and restores as
 * VirtualMachineRestores. KubeVirt snapshots a running VM too, freezing the
 * guest through its agent where it has one; its webhook refuses to restore
 * onto a running VM, so that needs the desktop stopped.
 */
export class KubeVirtSnapshots implements WorkspaceSnapshots {
  readonly requiresStopped = { take: false, restore: true };
  private readonly apis = new Map<string, CustomObjectsApi>();

  constructor(
    private readonly clusterOf: (name: string) => KubeVirtCluster,
    /**
     * The VM of a desktop: one claimed from a warm pool keeps its member's
     * name, so snapshots name the VM by this, and the desktop by its label.
     */
    private readonly vmNameOf: (
      ref: WorkspaceRef,
    ) => Promise<string> = async ref => ref.name,
  ) {}

  private api(cluster: KubeVirtCluster) {
    let api = this.apis.get(cluster.name);
    if (!api) {
      api = new CustomObjectsApi(
        createConfiguration({
          baseServer: new ServerConfiguration(cluster.url, {}),
          authMethods: { default: cluster.kubeConfig },
        }),
      );
      this.apis.set(cluster.name, api);
    }
    return api;
  }

  /** One call, its refusal as a `@backstage/errors` type naming what was asked. */
  private async call<T>(
    ref: WorkspaceRef,
    verb: string,
    resource: string,
    name: string | undefined,
    fn: (api: CustomObjectsApi, namespace: string) => Promise<T>,
  ): Promise<T> {
    const cluster = this.clusterOf(ref.cluster);
    try {
      return await withTimeout(
        fn(this.api(cluster), cluster.namespace),
        cluster,
      );
    } catch (error) {
      const kube =
        error instanceof ApiException
          ? toKubeApiError(error.code, error.body)
          : error;
      if (isNotFound(kube) && verb === 'delete') return undefined as T;
      if (isNotFound(kube)) {
        throw new NotFoundError(
          `Cluster '${cluster.name}' has no ${resource} '${name}' for the desktop '${ref.name}'`,
        );
      }
      if (isApiMissing(kube)) {
        throw new ServiceUnavailableError(
          `Cluster '${cluster.name}' serves no ${SNAPSHOT.group}/${
            SNAPSHOT.version
          }, so desktops there cannot be snapshotted: ${
            (kube as Error).message
          }`,
        );
      }
      if ((kube as Error).name === 'FetchError') {
        throw new ServiceUnavailableError(
          `Cluster '${cluster.name}' could not be reached: ${
            (kube as Error).message
          }`,
        );
      }
      throw toBackstageError(kube, { cluster, verb, resource, name });
    }
  }

  async take(ref: WorkspaceRef, snapshot: string): Promise<ProviderSnapshot> {
    const name = `${ref.name}-${snapshot}`;
    const vm = await this.vmNameOf(ref);
    const created = await this.call<SnapshotObject>(
      ref,
      'create',
      'virtualmachinesnapshots',
      name,
      (api, namespace) =>
        api.createNamespacedCustomObject({
          ...SNAPSHOT,
          namespace,
          plural: 'virtualmachinesnapshots',
          fieldValidation: 'Strict',
          body: {
            apiVersion: `${SNAPSHOT.group}/${SNAPSHOT.version}`,
            kind: 'VirtualMachineSnapshot',
            metadata: {
              name,
              labels: {
                'app.kubernetes.io/managed-by': MANAGED_BY,
                [LABEL_WORKSPACE]: ref.name,
                [LABEL_SNAPSHOT]: snapshot,
              },
            },
            spec: {
              source: {
                apiGroup: 'kubevirt.io',
                kind: 'VirtualMachine',
                name: vm,
              },
            },
          },
        }),
    );
    return { ref: name, ...snapshotState(created) };
  }

  private selector(ref: WorkspaceRef) {
    return `app.kubernetes.io/managed-by=${MANAGED_BY},${LABEL_WORKSPACE}=${ref.name}`;
  }

  async list(ref: WorkspaceRef): Promise<ProviderSnapshot[]> {
    const labelSelector = this.selector(ref);
    const [snapshots, restores] = await Promise.all([
      this.call<{ items?: SnapshotObject[] }>(
        ref,
        'list',
        'virtualmachinesnapshots',
        undefined,
        (api, namespace) =>
          api.listNamespacedCustomObject({
            ...SNAPSHOT,
            namespace,
            plural: 'virtualmachinesnapshots',
            labelSelector,
          }),
      ),
      this.call<{ items?: RestoreObject[] }>(
        ref,
        'list',
        'virtualmachinerestores',
        undefined,
        (api, namespace) =>
          api.listNamespacedCustomObject({
            ...SNAPSHOT,
            namespace,
            plural: 'virtualmachinerestores',
            labelSelector,
          }),
      ),
    ]);
    return (snapshots.items ?? []).map(s => {
      const restoring = (restores.items ?? []).find(
        r =>
          r.spec.virtualMachineSnapshotName === s.metadata.name &&
          !r.status?.complete,
      );
      if (restoring) {
        return {
          ref: s.metadata.name,
          state: 'restoring' as const,
          message: condition(restoring.status?.conditions, 'Progressing')
            ?.reason,
        };
      }
      return { ref: s.metadata.name, ...snapshotState(s) };
    });
  }

  /**
   * A VirtualMachineRestore onto the desktop's own VM. KubeVirt's webhook
   * refuses it while the VM has an instance ("VM must be stopped before
   * restore"), which becomes a ConflictError saying to stop it.
   */
  async restore(
    ref: WorkspaceRef,
    snapshotRef: string,
  ): Promise<ProviderSnapshot> {
    const name = `${snapshotRef}-${Date.now().toString(36)}`;
    const vm = await this.vmNameOf(ref);
    try {
      await this.call(
        ref,
        'create',
        'virtualmachinerestores',
        name,
        (api, namespace) =>
          api.createNamespacedCustomObject({
            ...SNAPSHOT,
            namespace,
            plural: 'virtualmachinerestores',
            fieldValidation: 'Strict',
            body: {
              apiVersion: `${SNAPSHOT.group}/${SNAPSHOT.version}`,
              kind: 'VirtualMachineRestore',
              metadata: {
                name,
                labels: {
                  'app.kubernetes.io/managed-by': MANAGED_BY,
                  [LABEL_WORKSPACE]: ref.name,
                },
              },
              spec: {
                target: {
                  apiGroup: 'kubevirt.io',
                  kind: 'VirtualMachine',
                  name: vm,
                },
                virtualMachineSnapshotName: snapshotRef,
              },
            },
          }),
      );
    } catch (error) {
      const message = (error as Error).message;
      if (/VM must be stopped before restore/.test(message)) {
        throw new ConflictError(
          `Stop the desktop '${ref.name}' before restoring a snapshot: ${message}`,
        );
      }
      throw error;
    }
    return { ref: snapshotRef, state: 'restoring' };
  }

  async delete(ref: WorkspaceRef, snapshotRef: string): Promise<void> {
    await this.call(
      ref,
      'delete',
      'virtualmachinesnapshots',
      snapshotRef,
      (api, namespace) =>
        api.deleteNamespacedCustomObject({
          ...SNAPSHOT,
          namespace,
          plural: 'virtualmachinesnapshots',
          name: snapshotRef,
        }),
    );
  }
}

/** The cluster's timeout, as KubeVirtApi applies it to its own calls. */
async function withTimeout<T>(
  promise: Promise<T>,
  cluster: KubeVirtCluster,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ServiceUnavailableError(
            `Cluster '${cluster.name}' did not answer within ${cluster.timeoutMs} ms`,
          ),
        ),
      cluster.timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
