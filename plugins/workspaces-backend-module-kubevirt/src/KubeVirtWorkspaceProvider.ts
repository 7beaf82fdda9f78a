import type { Duplex } from 'stream';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  ConsoleOptions,
  ProviderWorkspace,
  WorkspaceCreateSpec,
  WorkspaceProvider,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import { buildFirstBootSecret, generatePassword } from './buildFirstBootSecret';
import { buildVirtualMachine } from './buildVirtualMachine';
import type { KubeVirtCluster } from './clusters';
import {
  KubeApiError,
  KubeVirtApi,
  VirtualMachineInstanceObject,
  VirtualMachineObject,
} from './KubeVirtApi';
import { ANNOTATION_OWNER, MANAGED_BY_SELECTOR } from './labels';
import { openVncConsole } from './openVncConsole';
import { statusOf } from './status';

interface Attempt {
  cluster: KubeVirtCluster;
  /** What was being done, for messages: e.g. "create virtualmachines". */
  verb: string;
  resource: string;
  name?: string;
}

/**
 * Turns an API server refusal into the `@backstage/errors` type the
 * workspaces backend answers with; other errors pass through.
 */
function toBackstageError(
  error: unknown,
  { cluster, verb, resource, name }: Attempt,
): Error {
  if (!(error instanceof KubeApiError)) return error as Error;
  const where = `cluster '${cluster.name}'`;
  const Where = `Cluster '${cluster.name}'`;
  switch (error.statusCode) {
    case 401:
      return new NotAllowedError(
        `${Where} did not accept the portal's credentials (${error.message}); check its serviceAccountToken or kubeconfig`,
      );
    case 403:
      return new NotAllowedError(
        `The portal's service account may not ${verb} ${resource} in namespace '${cluster.namespace}' on ${where}; grant it the rules in the README (KUBEVIRT_PROVIDER_RBAC_RULES). The API server said: ${error.message}`,
      );
    case 404:
      return new NotFoundError(
        `The desktop '${name}' was not found on ${where}`,
      );
    case 409:
      return new ConflictError(
        `${Where} refused to ${verb} ${resource} '${name}': ${error.message}`,
      );
    case 400:
    case 422:
      return new InputError(
        `${Where} refused to ${verb} ${resource}: ${error.message}`,
      );
    default:
      return new ServiceUnavailableError(
        `${Where} answered ${error.statusCode} to ${verb} ${resource}: ${error.message}`,
      );
  }
}

function isStatus(error: unknown, statusCode: number) {
  return error instanceof KubeApiError && error.statusCode === statusCode;
}

/**
 * Desktops as KubeVirt VirtualMachines on one or more clusters. Cluster
 * credentials never leave this class: callers get statuses and byte streams.
 * @public
 */
export class KubeVirtWorkspaceProvider implements WorkspaceProvider {
  readonly id = 'kubevirt';
  private readonly targets = new Map<
    string,
    { cluster: KubeVirtCluster; api: KubeVirtApi }
  >();

  constructor(
    clusters: KubeVirtCluster[],
    private readonly logger: LoggerService,
  ) {
    for (const cluster of clusters) {
      this.targets.set(cluster.name, {
        cluster,
        api: new KubeVirtApi(cluster),
      });
    }
  }

  getClusters() {
    return [...this.targets.values()].map(({ cluster }) => ({
      name: cluster.name,
      os: cluster.os,
    }));
  }

  private target(name: string) {
    const target = this.targets.get(name);
    if (!target)
      throw new NotFoundError(
        `No KubeVirt cluster named '${name}' is configured`,
      );
    return target;
  }

  private toWorkspace(
    cluster: KubeVirtCluster,
    vm: VirtualMachineObject,
    vmi?: VirtualMachineInstanceObject,
  ): ProviderWorkspace {
    return {
      name: vm.metadata.name,
      cluster: cluster.name,
      namespace: cluster.namespace,
      owner: vm.metadata.annotations?.[ANNOTATION_OWNER],
      status: statusOf(vm, vmi),
    };
  }

  /**
   * Secret first, then the VM, then the Secret handed to the VM so that it
   * goes when the VM goes. Any step failing undoes the earlier ones.
   */
  async create(spec: WorkspaceCreateSpec): Promise<ProviderWorkspace> {
    const { cluster, api } = this.target(spec.cluster);
    if (!cluster.os.includes(spec.image.os)) {
      throw new InputError(
        `Cluster '${cluster.name}' does not run ${
          spec.image.os
        } desktops (it runs ${cluster.os.join(', ')})`,
      );
    }
    const vm = buildVirtualMachine(spec, cluster);
    const secret = buildFirstBootSecret(spec, cluster, generatePassword());
    const secretName = secret.metadata.name;
    const fail = (error: unknown, resource: string) => {
      if (isStatus(error, 409)) {
        return new ConflictError(
          `A desktop named '${spec.name}' already exists on cluster '${cluster.name}'`,
        );
      }
      if (isStatus(error, 404)) {
        return new ServiceUnavailableError(
          `Cluster '${cluster.name}' cannot hold desktops: namespace '${
            cluster.namespace
          }' or the KubeVirt API is missing (${(error as Error).message})`,
        );
      }
      return toBackstageError(error, {
        cluster,
        verb: 'create',
        resource,
        name: spec.name,
      });
    };
    const removeSecret = () =>
      api.deleteSecret(secretName).catch(error => {
        if (!isStatus(error, 404)) {
          this.logger.error(
            `Could not remove Secret ${cluster.namespace}/${secretName} on ${cluster.name}`,
            error,
          );
        }
      });

    try {
      await api.createSecret(secret);
    } catch (error) {
      // A timed-out create may still have happened on the server.
      if (error instanceof ServiceUnavailableError) await removeSecret();
      throw fail(error, 'secrets');
    }

    let created: VirtualMachineObject;
    try {
      created = await api.createVirtualMachine(vm);
    } catch (error) {
      // The Secret is new, so it is ours to remove even when the name belongs to another VM.
      await removeSecret();
      throw fail(error, 'virtualmachines');
    }

    try {
      await api.mergePatchSecret(secretName, {
        metadata: {
          ownerReferences: [
            {
              apiVersion: 'kubevirt.io/v1',
              kind: 'VirtualMachine',
              name: created.metadata.name,
              uid: created.metadata.uid,
              // Blocking would need update on virtualmachines/finalizers; the Secret is collected after the VM either way.
              blockOwnerDeletion: false,
            },
          ],
        },
      });
    } catch (error) {
      // A Secret without an owner would outlive the desktop, password and all.
      await api
        .deleteVirtualMachine(spec.name, 'Background')
        .catch(e =>
          this.logger.error(
            `Could not remove VM ${cluster.namespace}/${spec.name} on ${cluster.name}`,
            e,
          ),
        );
      await removeSecret();
      throw toBackstageError(error, {
        cluster,
        verb: 'patch',
        resource: 'secrets',
        name: secretName,
      });
    }
    return this.toWorkspace(cluster, created);
  }

  async get(ref: WorkspaceRef): Promise<ProviderWorkspace | undefined> {
    const { cluster, api } = this.target(ref.cluster);
    const orUndefined = <T>(promise: Promise<T>, resource: string) =>
      promise.catch(error => {
        if (isStatus(error, 404)) return undefined;
        throw toBackstageError(error, {
          cluster,
          verb: 'get',
          resource,
          name: ref.name,
        });
      });
    const [vm, vmi] = await Promise.all([
      orUndefined(api.getVirtualMachine(ref.name), 'virtualmachines'),
      orUndefined(
        api.getVirtualMachineInstance(ref.name),
        'virtualmachineinstances',
      ),
    ]);
    return vm && this.toWorkspace(cluster, vm, vmi);
  }

  async list(clusterName: string): Promise<ProviderWorkspace[]> {
    const { cluster, api } = this.target(clusterName);
    try {
      const [vms, vmis] = await Promise.all([
        api.listVirtualMachines(MANAGED_BY_SELECTOR),
        api.listVirtualMachineInstances(MANAGED_BY_SELECTOR),
      ]);
      const byName = new Map(vmis.map(vmi => [vmi.metadata.name, vmi]));
      return vms.map(vm =>
        this.toWorkspace(cluster, vm, byName.get(vm.metadata.name)),
      );
    } catch (error) {
      throw toBackstageError(error, {
        cluster,
        verb: 'list',
        resource: 'virtualmachines',
      });
    }
  }

  private async subresource(
    ref: WorkspaceRef,
    action: 'start' | 'stop' | 'restart',
  ) {
    const { cluster, api } = this.target(ref.cluster);
    try {
      await api.putVirtualMachineSubresource(ref.name, action);
    } catch (error) {
      throw toBackstageError(error, {
        cluster,
        verb: 'update',
        resource: `virtualmachines/${action}`,
        name: ref.name,
      });
    }
  }

  /** KubeVirt sets runStrategy Always. */
  start(ref: WorkspaceRef) {
    return this.subresource(ref, 'start');
  }

  /** KubeVirt sets runStrategy Halted; the disk stays. */
  stop(ref: WorkspaceRef) {
    return this.subresource(ref, 'stop');
  }

  restart(ref: WorkspaceRef) {
    return this.subresource(ref, 'restart');
  }

  /** Foreground: the VM goes only once its instance, disk and Secret have. */
  async delete(ref: WorkspaceRef) {
    const { cluster, api } = this.target(ref.cluster);
    try {
      await api.deleteVirtualMachine(ref.name, 'Foreground');
    } catch (error) {
      throw toBackstageError(error, {
        cluster,
        verb: 'delete',
        resource: 'virtualmachines',
        name: ref.name,
      });
    }
  }

  openConsole(ref: WorkspaceRef, options?: ConsoleOptions): Promise<Duplex> {
    return openVncConsole(this.target(ref.cluster).cluster, ref, options);
  }
}
