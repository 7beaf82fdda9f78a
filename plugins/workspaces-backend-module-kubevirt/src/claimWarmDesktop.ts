import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import {
  buildFirstBootSecret,
  firstBootSecretName,
  generatePassword,
} from './buildFirstBootSecret';
import type { KubeVirtCluster } from './clusters';
import { isNotFound, isStatus } from './KubeApiError';
import type { KubeVirtApi } from './KubeVirtApi';
import {
  ANNOTATION_CREATED_BY,
  ANNOTATION_EXPIRES_AT,
  ANNOTATION_OWNER,
  LABEL_WARM_POOL,
  LABEL_WORKSPACE,
  workspaceLabels,
} from './labels';
import type { VirtualMachineObject } from './objects';
import { toBackstageError } from './toBackstageError';
import { isReadyMember, listMembers, type WarmPool } from './warmPool';
import type { WarmPoolMetrics } from './warmPoolMetrics';

/** Annotation on a claimed VM: the pool it came from. */
export const ANNOTATION_CLAIMED_FROM = 'desktopmania.io/claimed-from';

export interface ClaimTarget {
  cluster: KubeVirtCluster;
  api: KubeVirtApi;
  logger: LoggerService;
  metrics?: WarmPoolMetrics;
}

/** The pool an order can take a member of: same image, size and disk. */
export function poolFor(
  cluster: KubeVirtCluster,
  spec: Pick<WorkspaceCreateSpec, 'image' | 'size' | 'diskGi'>,
): WarmPool | undefined {
  return cluster.warmPool?.find(
    p =>
      p.image.name === spec.image.name &&
      p.size.name === spec.size.name &&
      p.diskGi === spec.diskGi,
  );
}

/**
 * Makes the member the ordered desktop: its labels and annotations become a
 * desktop's, in one patch pinned to the version that was listed, so two
 * replicas claiming the same member cannot both succeed (the loser gets 409).
 * The template's labels change too, so the instance and launcher pod carry
 * the desktop's name for the Kubernetes plugin.
 */
function claimPatch(
  member: VirtualMachineObject & { metadata: { resourceVersion?: string } },
  spec: WorkspaceCreateSpec,
  pool: WarmPool,
) {
  const labels = {
    ...workspaceLabels(spec.name),
    [LABEL_WARM_POOL]: null,
  };
  return {
    metadata: {
      resourceVersion: member.metadata.resourceVersion,
      labels,
      annotations: {
        [ANNOTATION_OWNER]: spec.owner,
        [ANNOTATION_CREATED_BY]: spec.createdBy,
        [ANNOTATION_CLAIMED_FROM]: pool.key,
        ...(spec.expiresAt ? { [ANNOTATION_EXPIRES_AT]: spec.expiresAt } : {}),
      },
    },
    spec: { template: { metadata: { labels } } },
  };
}

/**
 * Takes a ready member of the order's pool for the order: claim, the
 * owner's first-boot Secret (owned by the VM, so it goes with it), then
 * start. Undefined when there is no pool for the order or it has no ready
 * member (another replica may have just taken the last); the order then
 * clones a disk as it would without a pool.
 */
export async function claimWarmDesktop(
  target: ClaimTarget,
  spec: WorkspaceCreateSpec,
): Promise<VirtualMachineObject | undefined> {
  const { cluster, api, logger, metrics } = target;
  const pool = poolFor(cluster, spec);
  if (!pool) return undefined;
  let members;
  try {
    members = (await listMembers(api, pool)).filter(vm =>
      isReadyMember(pool, vm),
    );
  } catch (error) {
    logger.warn(
      `Could not list the warm pool ${pool.key} on ${cluster.name}; cloning instead: ${error}`,
    );
    metrics?.missed(cluster.name, pool);
    return undefined;
  }
  // A desktop of that name already (a leftover): refuse as the usual path would.
  const namesakes = await api.listVirtualMachines(
    `${LABEL_WORKSPACE}=${spec.name}`,
  );
  if (namesakes.length > 0) {
    throw new ConflictError(
      `A desktop named '${spec.name}' already exists on cluster '${cluster.name}'`,
    );
  }

  // Replicas taking orders at the same moment would all try the oldest
  // member first and all but one get a 409; a random order spreads them.
  for (let i = members.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [members[i], members[j]] = [members[j], members[i]];
  }
  for (const member of members) {
    let claimed: VirtualMachineObject;
    try {
      claimed = await api.mergePatchVirtualMachine(
        member.metadata.name,
        claimPatch(member, spec, pool),
      );
    } catch (error) {
      // Taken (409) or removed (404) since the list: try the next one.
      if (isStatus(error, 409) || isNotFound(error)) continue;
      logger.warn(
        `Could not claim ${member.metadata.name} from the warm pool ${pool.key} on ${cluster.name}; cloning instead: ${error}`,
      );
      break;
    }
    const vmName = claimed.metadata.name;
    try {
      const secret = buildFirstBootSecret(spec, cluster, generatePassword());
      await api.createSecret({
        ...secret,
        metadata: {
          ...secret.metadata,
          name: firstBootSecretName({ name: vmName, image: spec.image }),
          ownerReferences: [
            {
              apiVersion: 'kubevirt.io/v1',
              kind: 'VirtualMachine',
              name: vmName,
              uid: claimed.metadata.uid!,
              blockOwnerDeletion: false,
            },
          ],
        },
      });
      // A running member booted without the owner's Secret; a restart gives
      // its new instance the Secret (see `running` in config.d.ts).
      claimed = pool.running
        ? (await api.putVirtualMachineSubresource(vmName, 'restart'), claimed)
        : await api.mergePatchVirtualMachine(vmName, {
            spec: { runStrategy: 'RerunOnFailure' },
          });
    } catch (error) {
      // The member is claimed but half made; it goes, Secret and all.
      await api
        .deleteVirtualMachine(vmName, 'Background', claimed.metadata.uid)
        .catch(e =>
          logger.error(
            `Could not remove half-claimed VM ${cluster.namespace}/${vmName} on ${cluster.name}`,
            e,
          ),
        );
      throw toBackstageError(error, {
        cluster,
        verb: 'create',
        resource: 'secrets',
        name: spec.name,
      });
    }
    metrics?.claimed(cluster.name, pool);
    logger.info(
      `Desktop ${spec.name} took warm-pool member ${vmName} (${pool.key}) on ${cluster.name}`,
    );
    return claimed;
  }
  metrics?.missed(cluster.name, pool);
  return undefined;
}
