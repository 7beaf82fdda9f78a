import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  createWorkspaceRequestSchema,
  describeZodError,
  type CreateWorkspaceRequest,
  type WorkspaceOs,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import { describeSize, shortfall } from './imageFit';
import type { WorkspacesConfig } from './WorkspacesConfig';

type Image = WorkspacesConfig['images'][number];
type Size = WorkspacesConfig['sizes'][number];

/** A cluster an order may go to, as the provider registry lists it. */
export interface OrderCluster {
  name: string;
  provider: string;
  os: WorkspaceOs[];
}

/** An order checked against the offer, before anyone is asked anything. */
export interface ValidOrder {
  request: CreateWorkspaceRequest;
  image: Image;
  size: Size;
  cluster: OrderCluster;
  diskGi: number;
  lifetimeHours: number;
}

/**
 * Checks an order against what is offered. Pure, so every refusal here
 * happens before a permission check, a database row or a cluster call; each
 * message names the field to correct.
 */
export function validateOrder(
  body: unknown,
  config: Pick<WorkspacesConfig, 'images' | 'sizes' | 'limits'>,
  clusters: OrderCluster[],
  defaultCluster: string,
): ValidOrder {
  const parsed = createWorkspaceRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new InputError(
      `Invalid desktop order: ${describeZodError(parsed.error)}`,
    );
  }
  const request = parsed.data;
  const image = config.images.find(i => i.name === request.image);
  if (!image) {
    throw new InputError(
      `image: '${request.image}' is not offered; choose one of ${
        config.images.map(i => i.name).join(', ') || '(none configured)'
      }`,
    );
  }
  const size = config.sizes.find(s => s.name === request.size);
  if (!size) {
    throw new InputError(
      `size: '${request.size}' is not offered; choose one of ${
        config.sizes.map(s => s.name).join(', ') || '(none configured)'
      }`,
    );
  }
  if (!image.sizes.includes(size.name)) {
    throw new InputError(
      `size: ${describeSize(size)} is too small for image '${
        image.name
      }', which needs at least ${shortfall(image.minimum, size).join(
        ' and ',
      )}; choose ${image.sizes.join(', ')}`,
    );
  }
  const clusterName = request.cluster ?? defaultCluster;
  const cluster = clusters.find(c => c.name === clusterName);
  if (!cluster) {
    throw new InputError(
      `cluster: '${clusterName}' is not served; choose one of ${
        clusters.map(c => c.name).join(', ') || '(no provider configured)'
      }`,
    );
  }
  if (!cluster.os.includes(image.os)) {
    throw new InputError(
      image.os === 'windows'
        ? `Windows desktops need the KubeVirt provider; cluster '${
            cluster.name
          }' (${cluster.provider}) runs ${cluster.os.join(', ')} only`
        : `cluster '${cluster.name}' does not run ${image.os} desktops`,
    );
  }
  const { lifetimeHours: lifeRange } = config.limits;
  const diskRange = image.diskGi;
  const diskGi = request.diskGi ?? diskRange.default;
  if (diskGi < diskRange.min || diskGi > diskRange.max) {
    const why =
      diskGi < diskRange.min && image.minimum?.diskGi === diskRange.min
        ? ` for image '${image.name}', whose disk is ${diskRange.min} GiB`
        : '';
    throw new InputError(
      `diskGi: ${diskGi} is out of range${why}; allowed ${diskRange.min} to ${diskRange.max} GiB`,
    );
  }
  const lifetimeHours = request.lifetimeHours ?? lifeRange.default;
  if (lifetimeHours < lifeRange.min || lifetimeHours > lifeRange.max) {
    throw new InputError(
      `lifetimeHours: ${lifetimeHours} is out of range; allowed ${lifeRange.min} to ${lifeRange.max} hours`,
    );
  }
  return { request, image, size, cluster, diskGi, lifetimeHours };
}

/** The record a valid order makes, still `creating`, as of `now`. */
export function orderedRecord(
  order: ValidOrder,
  owner: string,
  createdBy: string,
  now: Date,
): WorkspaceRecord {
  return {
    name: order.request.name,
    cluster: order.cluster.name,
    provider: order.cluster.provider,
    os: order.image.os,
    image: order.image.name,
    size: order.size.name,
    diskGi: order.diskGi,
    owner,
    createdBy,
    template: order.request.template,
    system: order.request.system,
    state: 'creating',
    createdAt: now,
    expiresAt: new Date(now.getTime() + order.lifetimeHours * 3600_000),
    lastActivityAt: now,
  };
}

/** The owner's entity ref in canonical form; only users and groups own desktops. */
export function normalizeOwner(owner: string): string {
  let ref;
  try {
    ref = parseEntityRef(owner, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `owner: '${owner}' is not a user or group reference (${
        (error as Error).message
      })`,
    );
  }
  const kind = ref.kind.toLocaleLowerCase('en-US');
  if (kind !== 'user' && kind !== 'group') {
    throw new InputError(
      `owner: '${owner}' is not a user or group reference (must be a user or a group)`,
    );
  }
  return stringifyEntityRef(ref);
}

/** A POSIX account name derived from the person, unless the image dictates one. */
export function accountName(
  defaultUser: string | undefined,
  userEntityRef: string,
): string {
  if (defaultUser) return defaultUser;
  const { name } = parseEntityRef(userEntityRef);
  const cleaned = name
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[^a-z_]+/, '');
  return (cleaned || 'user').slice(0, 32);
}

export function quotaError(owner: string, held: number, max: number) {
  return new NotAllowedError(
    `Quota reached: '${owner}' holds ${held} of ${max} desktops; delete one before ordering another`,
  );
}
