import { Config } from '@backstage/config';
import {
  asConfigError,
  configError,
  readDurationMs,
} from '@desktop-mania/config-node';
import type {
  WorkspaceImageMinimum,
  WorkspaceLimits,
  WorkspaceRange,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ResolvedWorkspaceImage,
  ResolvedWorkspaceSize,
} from '@desktop-mania/plugin-workspaces-node';
import {
  readRecordingConfig,
  type RecordingConfig,
} from '../recording/recordingConfig';
import { fitImage, readImageMinimum } from './imageFit';
import { readSnapshotsConfig, type SnapshotsConfig } from './snapshotRules';

/** Everything the backend reads from `workspaces` in app-config. */
export interface WorkspacesConfig {
  defaultCluster?: string;
  images: Array<
    ResolvedWorkspaceImage & {
      description?: string;
      minimum?: WorkspaceImageMinimum;
      /** The sizes that fit the image, by name. */
      sizes: string[];
      /** The disk range of the image: the limits, raised to its minimum. */
      diskGi: WorkspaceRange;
    }
  >;
  sizes: Array<
    ResolvedWorkspaceSize & {
      description?: string;
      cpu?: number;
      memory?: string;
    }
  >;
  limits: WorkspaceLimits;
  idleStopAfterMs?: number;
  expiryAction: 'stop' | 'delete';
  /** How long a create or delete may take before it counts as abandoned. */
  reconcileAfterMs: number;
  console: {
    idleTimeoutMs: number;
    maxSessionsPerUser: number;
    allowedOrigins: string[];
    /** How long a replica's console seat outlives its last heartbeat. */
    leaseMs: number;
  };
  /** `workspaces.snapshots`; defaults where absent. */
  snapshots?: SnapshotsConfig;
  /** `workspaces.recording`; nothing is recorded where absent. */
  recording?: RecordingConfig;
}

function readRange(
  config: Config | undefined,
  key: string,
  fallback: WorkspaceRange,
): WorkspaceRange {
  const range = {
    min: config?.getOptionalNumber('min') ?? fallback.min,
    max: config?.getOptionalNumber('max') ?? fallback.max,
    default: config?.getOptionalNumber('default') ?? fallback.default,
  };
  if (
    range.min > range.max ||
    range.default < range.min ||
    range.default > range.max
  ) {
    throw configError(
      `workspaces.limits.${key}`,
      `expected min <= default <= max, got ${JSON.stringify(range)}`,
    );
  }
  return range;
}

/** The console's default allowed origins: that of app.baseUrl. */
function appOrigin(appBaseUrl: string | undefined): string[] {
  if (appBaseUrl === undefined) return [];
  try {
    return [new URL(appBaseUrl).origin];
  } catch {
    throw configError(
      'app.baseUrl',
      `'${appBaseUrl}' is not a URL; the console allows its origin unless workspaces.console.allowedOrigins is set`,
    );
  }
}

/**
 * Reads `workspaces` and fails at startup on anything desktops could not be
 * ordered or run with, with an `InputError` naming the key.
 */
export function readWorkspacesConfig(root: Config): WorkspacesConfig {
  try {
    return readConfig(root);
  } catch (error) {
    throw asConfigError(error, 'workspaces');
  }
}

function readConfig(root: Config): WorkspacesConfig {
  const config = root.getOptionalConfig('workspaces');
  const images = (config?.getOptionalConfigArray('images') ?? []).map(
    (c, i) => {
      const os = c.getString('os');
      if (os !== 'linux' && os !== 'windows') {
        throw configError(
          `workspaces.images[${i}].os`,
          `expected 'linux' or 'windows', got '${os}'`,
        );
      }
      const dataSource = c.getOptionalConfig('dataSource');
      return {
        name: c.getString('name'),
        title: c.getOptionalString('title') ?? c.getString('name'),
        os: os as 'linux' | 'windows',
        description: c.getOptionalString('description'),
        defaultUser: c.getOptionalString('defaultUser'),
        preference: c.getOptionalString('preference'),
        minimum: readImageMinimum(c, `workspaces.images[${i}]`),
        dataSource: dataSource
          ? {
              name: dataSource.getString('name'),
              namespace: dataSource.getOptionalString('namespace'),
            }
          : undefined,
      };
    },
  );
  const sizes = (config?.getOptionalConfigArray('sizes') ?? []).map(c => ({
    name: c.getString('name'),
    title: c.getOptionalString('title') ?? c.getString('name'),
    description: c.getOptionalString('description'),
    cpu: c.getOptionalNumber('cpu'),
    memory: c.getOptionalString('memory'),
    instancetype: c.getOptionalString('instancetype'),
    geometry: c.getOptionalString('geometry'),
    maxProcesses: c.getOptionalNumber('maxProcesses'),
  }));
  for (const [kind, list] of [
    ['images', images],
    ['sizes', sizes],
  ] as const) {
    const seen = new Map<string, number>();
    list.forEach(({ name }, i) => {
      const first = seen.get(name);
      if (first !== undefined) {
        throw configError(
          `workspaces.${kind}[${i}].name`,
          `'${name}' is already used at workspaces.${kind}[${first}].name; names must be unique`,
        );
      }
      seen.set(name, i);
    });
  }

  const limits = config?.getOptionalConfig('limits');
  const lifecycle = config?.getOptionalConfig('lifecycle');
  const consoleConfig = config?.getOptionalConfig('console');
  const expiryAction = lifecycle?.getOptionalString('expiryAction') ?? 'stop';
  if (expiryAction !== 'stop' && expiryAction !== 'delete') {
    throw configError(
      'workspaces.lifecycle.expiryAction',
      `expected 'stop' or 'delete', got '${expiryAction}'`,
    );
  }
  const allowedOrigins =
    consoleConfig?.getOptionalStringArray('allowedOrigins') ??
    appOrigin(root.getOptionalString('app.baseUrl'));
  const diskGi = readRange(limits?.getOptionalConfig('diskGi'), 'diskGi', {
    min: 20,
    max: 200,
    default: 40,
  });
  return {
    defaultCluster: config?.getOptionalString('defaultCluster'),
    images: images.map((image, i) => ({
      ...image,
      ...fitImage(image, `workspaces.images[${i}]`, sizes, diskGi),
    })),
    sizes,
    limits: {
      diskGi,
      lifetimeHours: readRange(
        limits?.getOptionalConfig('lifetimeHours'),
        'lifetimeHours',
        { min: 1, max: 24 * 30, default: 24 * 7 },
      ),
      maxPerOwner: limits?.getOptionalNumber('maxPerOwner') ?? 3,
    },
    idleStopAfterMs: lifecycle
      ? readDurationMs(lifecycle, 'idleStopAfter', {
          fullKey: 'workspaces.lifecycle.idleStopAfter',
        })
      : undefined,
    expiryAction,
    ...(config?.has('snapshots') && {
      snapshots: readSnapshotsConfig(config.getConfig('snapshots')),
    }),
    ...(config?.has('recording') && {
      recording: readRecordingConfig(
        root,
        images.map(i => i.name),
      ),
    }),
    reconcileAfterMs:
      (lifecycle &&
        readDurationMs(lifecycle, 'reconcileAfter', {
          fullKey: 'workspaces.lifecycle.reconcileAfter',
        })) ??
      2 * 60_000,
    console: {
      idleTimeoutMs:
        (consoleConfig &&
          readDurationMs(consoleConfig, 'idleTimeout', {
            fullKey: 'workspaces.console.idleTimeout',
          })) ??
        30 * 60_000,
      maxSessionsPerUser:
        consoleConfig?.getOptionalNumber('maxSessionsPerUser') ?? 4,
      allowedOrigins,
      leaseMs:
        (consoleConfig &&
          readDurationMs(consoleConfig, 'lease', {
            fullKey: 'workspaces.console.lease',
          })) ??
        30_000,
    },
  };
}
