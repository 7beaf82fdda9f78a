import { ConflictError } from '@backstage/errors';
import type {
  ProviderWorkspace,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import type { ClusterTargets } from './clusterTargets';
import { ANNOTATION_EXPIRES_AT } from './labels';
import { toBackstageError } from './toBackstageError';

/**
 * What changes a desktop's VM: start, stop and restart through KubeVirt's
 * subresources, delete, and the expiry annotation.
 */
export class VmLifecycle {
  constructor(
    private readonly targets: ClusterTargets,
    /** The desktop as the provider reads it, to tell why a start was refused. */
    private readonly read: (
      ref: WorkspaceRef,
    ) => Promise<ProviderWorkspace | undefined>,
  ) {}

  private async subresource(
    desktop: WorkspaceRef,
    action: 'start' | 'stop' | 'restart',
    body?: object,
  ) {
    const target = this.targets.get(desktop.cluster);
    const { cluster, api } = target;
    const ref = await this.targets.resolve(target, desktop);
    try {
      await api.putVirtualMachineSubresource(ref.name, action, body);
    } catch (error) {
      throw toBackstageError(error, {
        cluster,
        verb: 'update',
        resource: `virtualmachines/${action}`,
        name: ref.name,
      });
    }
  }

  /**
   * KubeVirt refuses a start while the VM has an instance that has not
   * ended: "VM is already running", also for a paused or unschedulable one,
   * and "RerunOnFailure does not support starting VM from failed state" for
   * a failed one (kubevirt/kubevirt pkg/virt-api/rest/lifecycle.go
   * `StartVMRequestHandler`). Starting a failed desktop means starting it
   * over, so that becomes a restart, which replaces the instance.
   */
  async start(ref: WorkspaceRef) {
    try {
      await this.subresource(ref, 'start');
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const current = await this.read(ref);
      if (current?.status.phase !== 'Failed') {
        throw new ConflictError(
          `The desktop '${ref.name}' cannot be started while it is ${
            current?.status.phase ?? 'missing'
          }: ${error.message}`,
        );
      }
      await this.subresource(ref, 'restart');
    }
  }

  /**
   * The guest gets `stopGracePeriod` to shut down (KubeVirt's
   * `StopOptions.gracePeriod`); the disk stays.
   */
  stop(ref: WorkspaceRef) {
    const seconds = this.targets.get(ref.cluster).cluster
      .stopGracePeriodSeconds;
    return this.subresource(
      ref,
      'stop',
      seconds === undefined ? {} : { gracePeriod: seconds },
    );
  }

  restart(ref: WorkspaceRef) {
    return this.subresource(ref, 'restart');
  }

  /** Foreground: the VM goes only once its instance, disk and Secret have. */
  async delete(desktop: WorkspaceRef) {
    const target = this.targets.get(desktop.cluster);
    const { cluster, api } = target;
    const ref = await this.targets.resolve(target, desktop);
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

  /**
   * Moves the expiry annotation the VM got at creation. A merge patch of that
   * one annotation, without a resourceVersion, so it cannot conflict with the
   * controller's own writes to the VM: the latest expiry simply wins.
   */
  async setExpiry(desktop: WorkspaceRef, expiresAt: string) {
    const target = this.targets.get(desktop.cluster);
    const { cluster, api } = target;
    const ref = await this.targets.resolve(target, desktop);
    try {
      await api.mergePatchVirtualMachine(ref.name, {
        metadata: { annotations: { [ANNOTATION_EXPIRES_AT]: expiresAt } },
      });
    } catch (error) {
      throw toBackstageError(error, {
        cluster,
        verb: 'patch',
        resource: 'virtualmachines',
        name: ref.name,
      });
    }
  }
}
