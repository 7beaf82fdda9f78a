import type { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { asConfigError, configError } from '@desktop-mania/config-node';
import {
  SNAPSHOT_NAME_PATTERN,
  SNAPSHOT_NAME_RULE,
  workspacePhaseGroup,
  type WorkspaceSnapshot,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRef } from '@desktop-mania/plugin-workspaces-node';
import type { SnapshotRecord } from '../database/SnapshotStore';
import type { ProviderRegistry } from './ProviderRegistry';

export const DEFAULT_MAX_PER_WORKSPACE = 5;

/** What the backend reads from `workspaces.snapshots`. */
export interface SnapshotsConfig {
  maxPerWorkspace: number;
}

export function readSnapshotsConfig(config?: Config): SnapshotsConfig {
  const key = 'workspaces.snapshots.maxPerWorkspace';
  let max: number;
  try {
    max =
      config?.getOptionalNumber('maxPerWorkspace') ?? DEFAULT_MAX_PER_WORKSPACE;
  } catch (error) {
    throw asConfigError(error, key);
  }
  if (!Number.isInteger(max) || max < 0) {
    throw configError(key, `expected a whole number of 0 or more, got ${max}`);
  }
  return { maxPerWorkspace: max };
}

/** The snapshot name of a request body, or a one-line InputError. */
export function snapshotName(body: unknown): string {
  const name = (body as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || !SNAPSHOT_NAME_PATTERN.test(name)) {
    throw new InputError(`name: expected ${SNAPSHOT_NAME_RULE}`);
  }
  return name;
}

export const toSnapshot = ({
  providerRef: _ref,
  owner: _owner,
  ...snapshot
}: SnapshotRecord): WorkspaceSnapshot => snapshot;

/** The `keep` flag of a request body, or a one-line InputError. */
export function keepFlag(body: unknown): boolean {
  const keep = (body as { keep?: unknown } | undefined)?.keep;
  if (typeof keep !== 'boolean') {
    throw new InputError('keep: expected true or false');
  }
  return keep;
}

/** Refuses, before its provider is asked, when the desktop is not stopped. */
export async function mustBeStopped(
  providers: ProviderRegistry,
  cluster: string,
  ref: WorkspaceRef,
  what: string,
) {
  const machine = await providers.forCluster(cluster).get(ref);
  const phase = machine?.status.phase ?? 'Unknown';
  if (workspacePhaseGroup(phase) !== 'stopped') {
    throw new ConflictError(
      `Stop the desktop '${ref.name}' first: ${what} only while it is stopped, and it is ${phase}`,
    );
  }
}
