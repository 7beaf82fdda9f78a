import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { buildFirstBootSecret, generatePassword } from './buildFirstBootSecret';
import { buildVirtualMachine } from './buildVirtualMachine';
import type { KubeVirtCluster } from './clusters';
import { isNotFound, isStatus } from './KubeApiError';
import type { KubeVirtApi } from './KubeVirtApi';
import { ANNOTATION_CREATED_BY, ANNOTATION_OWNER } from './labels';
import type { VirtualMachineObject } from './objects';
import { toBackstageError } from './toBackstageError';

/**
 * Secret first, then the VM, then the Secret handed to the VM so that it
 * goes when the VM goes. Any step failing undoes the earlier ones; what
 * could not be undone is named in the error, for someone to delete by hand.
 */
export async function createWorkspace(
  target: { cluster: KubeVirtCluster; api: KubeVirtApi; logger: LoggerService },
  spec: WorkspaceCreateSpec,
): Promise<VirtualMachineObject> {
  const { cluster, api, logger } = target;
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
  const left: string[] = [];

  const fail = (error: unknown, verb: string, resource: string) => {
    const failure =
      isStatus(error, 409) && verb === 'create'
        ? new ConflictError(
            `A desktop named '${spec.name}' already exists on cluster '${cluster.name}'`,
          )
        : toBackstageError(error, {
            cluster,
            verb,
            resource,
            name: spec.name,
          });
    if (left.length > 0) {
      failure.message += `. Removing what this order made failed too; delete by hand on cluster '${
        cluster.name
      }': ${left.join(', ')}`;
    }
    return failure;
  };
  const removeSecret = () =>
    api.deleteSecret(secretName).catch(error => {
      if (isNotFound(error)) return;
      logger.error(
        `Could not remove Secret ${cluster.namespace}/${secretName} on ${cluster.name}`,
        error,
      );
      left.push(`Secret ${cluster.namespace}/${secretName}`);
    });
  /** Removes the VM this order made, and never a namesake someone else made. */
  const removeVm = async (knownUid?: string) => {
    try {
      let uid = knownUid;
      if (!uid) {
        const found = await api.getVirtualMachine(spec.name);
        const annotations = found.metadata.annotations ?? {};
        if (
          annotations[ANNOTATION_OWNER] !== spec.owner ||
          annotations[ANNOTATION_CREATED_BY] !== spec.createdBy
        ) {
          return;
        }
        uid = found.metadata.uid;
      }
      await api.deleteVirtualMachine(spec.name, 'Background', uid);
    } catch (error) {
      if (isNotFound(error)) return;
      logger.error(
        `Could not remove VM ${cluster.namespace}/${spec.name} on ${cluster.name}`,
        error as Error,
      );
      left.push(`VirtualMachine ${cluster.namespace}/${spec.name}`);
    }
  };

  try {
    await api.createSecret(secret);
  } catch (error) {
    // A timed-out create may still have happened on the server.
    if (error instanceof ServiceUnavailableError) await removeSecret();
    throw fail(error, 'create', 'secrets');
  }

  let created: VirtualMachineObject;
  try {
    created = await api.createVirtualMachine(vm);
  } catch (error) {
    if (error instanceof ServiceUnavailableError) await removeVm();
    // The Secret is new, so it is ours to remove even when the name belongs to another VM.
    await removeSecret();
    throw fail(error, 'create', 'virtualmachines');
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
    await removeVm(created.metadata.uid);
    await removeSecret();
    throw fail(error, 'patch', 'secrets');
  }
  return created;
}
