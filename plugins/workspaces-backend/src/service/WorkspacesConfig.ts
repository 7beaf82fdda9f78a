import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import type {
  WorkspaceLimits,
  WorkspaceRange,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ResolvedWorkspaceImage,
  ResolvedWorkspaceSize,
} from '@desktop-mania/plugin-workspaces-node';

/** Everything the backend reads from `workspaces` in app-config. */
export interface WorkspacesConfig {
  defaultCluster?: string;
  images: Array<ResolvedWorkspaceImage & { description?: string }>;
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
  console: {
    idleTimeoutMs: number;
    maxSessionsPerUser: number;
    allowedOrigins: string[];
  };
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
    throw new InputError(
      `workspaces.limits.${key} must satisfy min <= default <= max, got ${JSON.stringify(
        range,
      )}`,
    );
  }
  return range;
}

function readDuration(config: Config, key: string): number | undefined {
  if (!config.has(key)) return undefined;
  return durationToMilliseconds(
    readDurationFromConfig(config, { key }) as HumanDuration,
  );
}

export function readWorkspacesConfig(root: Config): WorkspacesConfig {
  const config = root.getOptionalConfig('workspaces');
  const images = (config?.getOptionalConfigArray('images') ?? []).map(c => {
    const os = c.getString('os');
    if (os !== 'linux' && os !== 'windows') {
      throw new InputError(
        `workspaces.images[${c.getString(
          'name',
        )}].os must be 'linux' or 'windows', got '${os}'`,
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
      dataSource: dataSource
        ? {
            name: dataSource.getString('name'),
            namespace: dataSource.getOptionalString('namespace'),
          }
        : undefined,
    };
  });
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
    const seen = new Set<string>();
    for (const item of list) {
      if (seen.has(item.name)) {
        throw new InputError(
          `workspaces.${kind} lists '${item.name}' twice; names must be unique`,
        );
      }
      seen.add(item.name);
    }
  }

  const limits = config?.getOptionalConfig('limits');
  const lifecycle = config?.getOptionalConfig('lifecycle');
  const consoleConfig = config?.getOptionalConfig('console');
  const expiryAction = lifecycle?.getOptionalString('expiryAction') ?? 'stop';
  if (expiryAction !== 'stop' && expiryAction !== 'delete') {
    throw new InputError(
      `workspaces.lifecycle.expiryAction must be 'stop' or 'delete', got '${expiryAction}'`,
    );
  }
  const appBaseUrl = root.getOptionalString('app.baseUrl');
  return {
    defaultCluster: config?.getOptionalString('defaultCluster'),
    images,
    sizes,
    limits: {
      diskGi: readRange(limits?.getOptionalConfig('diskGi'), 'diskGi', {
        min: 20,
        max: 200,
        default: 40,
      }),
      lifetimeHours: readRange(
        limits?.getOptionalConfig('lifetimeHours'),
        'lifetimeHours',
        { min: 1, max: 24 * 30, default: 24 * 7 },
      ),
      maxPerOwner: limits?.getOptionalNumber('maxPerOwner') ?? 3,
    },
    idleStopAfterMs: lifecycle
      ? readDuration(lifecycle, 'idleStopAfter')
      : undefined,
    expiryAction,
    console: {
      idleTimeoutMs:
        (consoleConfig && readDuration(consoleConfig, 'idleTimeout')) ??
        30 * 60_000,
      maxSessionsPerUser:
        consoleConfig?.getOptionalNumber('maxSessionsPerUser') ?? 4,
      allowedOrigins:
        consoleConfig?.getOptionalStringArray('allowedOrigins') ??
        (appBaseUrl ? [new URL(appBaseUrl).origin] : []),
    },
  };
}
