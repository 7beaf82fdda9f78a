import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import {
  DNS1123_LABEL,
  WorkspaceOs,
} from '@desktop-mania/plugin-workspaces-common';
import {
  kubeconfigFileKubeConfig,
  serviceAccountKubeConfig,
} from './clusterCredentials';
import { asConfigError, configError } from '@desktop-mania/config-node';
import { readClusterDurationMs } from './readClusterDurationMs';
import { readWarmPools, type WarmPool } from './warmPool';

/**
 * One KubeVirt cluster desktops may run on, with its credentials.
 *
 * @public
 */
export interface KubeVirtCluster {
  name: string;
  /** The API server, without a trailing slash; may carry a path (e.g. behind Rancher). */
  url: string;
  namespace: string;
  storageClassName: string;
  os: WorkspaceOs[];
  /** How long to wait for the API server, read from the `timeout` duration. */
  timeoutMs: number;
  /**
   * How long a stopping desktop's guest may take to shut down before it is
   * switched off, from `workspaces.kubevirt.stopGracePeriod`; without it,
   * the VMI's own `terminationGracePeriodSeconds` applies.
   */
  stopGracePeriodSeconds?: number;
  /** Ready-to-claim desktops kept per image and size (`warmPool`); see warmPool.ts. */
  warmPool?: WarmPool[];
  kubeConfig: KubeConfig;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const OPERATING_SYSTEMS: WorkspaceOs[] = ['linux', 'windows'];

function readUrl(c: Config, key: string): string | undefined {
  const url = c.getOptionalString('url');
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw configError(`${key}.url`, `'${url}' is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw configError(`${key}.url`, `'${url}' must be an https:// URL`);
  }
  return url.replace(/\/+$/, '');
}

function readCluster(
  c: Config,
  key: string,
  defaults: Pick<KubeVirtCluster, 'timeoutMs' | 'stopGracePeriodSeconds'>,
): KubeVirtCluster {
  const name = c.getString('name');
  const authProvider = c.getOptionalString('authProvider') ?? 'serviceAccount';
  let url = readUrl(c, key);
  let kubeConfig: KubeConfig;
  if (authProvider === 'serviceAccount') {
    if (!url) {
      throw configError(
        `${key}.url`,
        `cluster '${name}' needs the URL of its API server, e.g. https://rke2.example.com:6443`,
      );
    }
    kubeConfig = serviceAccountKubeConfig(c, key, name, url);
  } else if (authProvider === 'kubeconfig') {
    kubeConfig = kubeconfigFileKubeConfig(c, key);
    const server = kubeConfig.getCurrentCluster()?.server;
    if (!url && !server) {
      throw configError(
        `${key}.url`,
        `cluster '${name}' has no url and its kubeconfig context names no server`,
      );
    }
    url ??= server!.replace(/\/+$/, '');
  } else {
    throw configError(
      `${key}.authProvider`,
      `'${authProvider}' is not supported; use serviceAccount or kubeconfig`,
    );
  }

  const namespace = c.getOptionalString('namespace') ?? 'workspaces';
  if (!DNS1123_LABEL.test(namespace)) {
    throw configError(
      `${key}.namespace`,
      `'${namespace}' is not a namespace name`,
    );
  }
  const os = (c.getOptionalStringArray('os') ??
    OPERATING_SYSTEMS) as WorkspaceOs[];
  const unknown = os.filter(o => !OPERATING_SYSTEMS.includes(o));
  if (unknown.length > 0 || os.length === 0) {
    throw configError(
      `${key}.os`,
      `list linux and/or windows, got [${os.join(', ')}]`,
    );
  }
  const timeoutMs = readClusterDurationMs(
    c,
    key,
    'timeout',
    defaults.timeoutMs,
  )!;
  return {
    name,
    url,
    namespace,
    storageClassName:
      c.getOptionalString('storageClassName') ?? 'longhorn-desktop',
    os,
    timeoutMs,
    ...(defaults.stopGracePeriodSeconds === undefined
      ? {}
      : { stopGracePeriodSeconds: defaults.stopGracePeriodSeconds }),
    kubeConfig,
  };
}

/**
 * Clusters from `workspaces.kubevirt.clusters`, or else the `config`
 * clusters the Kubernetes plugin uses, so adopters configure them once.
 * Throws an `InputError` naming the key of the first mistake.
 *
 * @public
 */
export function readKubeVirtClusters(
  config: Config,
  logger?: LoggerService,
): KubeVirtCluster[] {
  try {
    return readClusters(config, logger);
  } catch (error) {
    throw asConfigError(error, 'workspaces.kubevirt');
  }
}

function readClusters(
  config: Config,
  logger?: LoggerService,
): KubeVirtCluster[] {
  const kubevirt = config.getOptionalConfig('workspaces.kubevirt');
  const base = 'workspaces.kubevirt';
  const gracePeriodMs =
    kubevirt && readClusterDurationMs(kubevirt, base, 'stopGracePeriod');
  const defaults = {
    timeoutMs: kubevirt
      ? readClusterDurationMs(kubevirt, base, 'timeout', DEFAULT_TIMEOUT_MS)!
      : DEFAULT_TIMEOUT_MS,
    // KubeVirt takes whole seconds.
    stopGracePeriodSeconds:
      gracePeriodMs === undefined ? undefined : Math.ceil(gracePeriodMs / 1000),
  };
  const clusters: KubeVirtCluster[] = [];
  const keys: string[] = [];
  const own = kubevirt?.getOptionalConfigArray('clusters');
  if (own) {
    own.forEach((c, i) => {
      const key = `workspaces.kubevirt.clusters[${i}]`;
      const cluster = readCluster(c, key, defaults);
      const warmPool = readWarmPools(c, key, config, cluster.os);
      clusters.push(warmPool.length > 0 ? { ...cluster, warmPool } : cluster);
      keys.push(key);
    });
  } else {
    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    methods.forEach((method, m) => {
      if (method.getOptionalString('type') !== 'config') return;
      (method.getOptionalConfigArray('clusters') ?? []).forEach((c, i) => {
        const key = `kubernetes.clusterLocatorMethods[${m}].clusters[${i}]`;
        const authProvider =
          c.getOptionalString('authProvider') ?? 'serviceAccount';
        // The Kubernetes plugin knows cloud auth providers this module does not; those clusters stay its own.
        if (
          authProvider !== 'serviceAccount' &&
          authProvider !== 'kubeconfig'
        ) {
          logger?.warn(
            `Skipping ${key} (${c.getString(
              'name',
            )}) for desktops: authProvider '${authProvider}' is not supported; list it under workspaces.kubevirt.clusters with serviceAccount or kubeconfig`,
          );
          return;
        }
        clusters.push(readCluster(c, key, defaults));
        keys.push(key);
      });
    });
  }
  const seen = new Map<string, string>();
  clusters.forEach((c, i) => {
    const first = seen.get(c.name);
    if (first !== undefined) {
      throw configError(
        `${keys[i]}.name`,
        `the cluster name '${c.name}' is already used at ${first}.name; names must be unique`,
      );
    }
    seen.set(c.name, keys[i]);
  });
  return clusters;
}
