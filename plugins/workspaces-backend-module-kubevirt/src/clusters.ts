import fs from 'fs';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { KubeConfig } from '@kubernetes/client-node';
import {
  DNS1123_LABEL,
  WorkspaceOs,
} from '@desktop-mania/plugin-workspaces-common';

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
  kubeConfig: KubeConfig;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const DEFAULT_TIMEOUT_MS = 10_000;
const OPERATING_SYSTEMS: WorkspaceOs[] = ['linux', 'windows'];

/** A config mistake, named by its key so the operator can find it; one line. */
function configError(key: string, problem: string) {
  return new InputError(
    `Invalid config at '${key}': ${problem.replace(/\s*\n\s*/g, ' ')}`,
  );
}

/**
 * The same shape for the type errors of the config reader itself, which
 * name the key but are plain errors with the config file in them.
 */
function asConfigError(error: unknown, key: string): InputError {
  if (error instanceof InputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const typed =
    /^Invalid type in config for key '([^']+)' in '.*', got (\S+), wanted (\S+)$/.exec(
      message,
    );
  if (typed)
    return configError(typed[1], `expected ${typed[3]}, got ${typed[2]}`);
  const missing = /^Missing required config value at '([^']+)'/.exec(message);
  if (missing) return configError(missing[1], 'a value is required');
  const convert =
    /^Unable to convert config value for key '([^']+)' in '.*' to an? (\S+)$/.exec(
      message,
    );
  if (convert) return configError(convert[1], `expected a ${convert[2]}`);
  return configError(key, message);
}

const DURATION_EXAMPLES =
  "a duration such as '10s', 'PT10S' or { seconds: 10 }";

/** A positive duration in milliseconds, or the fallback when the key is not set. */
function readTimeoutMs(c: Config, key: string, fallbackMs: number): number {
  if (c.has('timeoutMs')) {
    throw configError(
      `${key}.timeoutMs`,
      `renamed to '${key}.timeout', ${DURATION_EXAMPLES}`,
    );
  }
  if (!c.has('timeout')) return fallbackMs;
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(c, { key: 'timeout' }));
  } catch {
    throw configError(
      `${key}.timeout`,
      `expected ${DURATION_EXAMPLES}, got ${JSON.stringify(c.get('timeout'))}`,
    );
  }
  if (!(ms > 0)) {
    throw configError(`${key}.timeout`, 'must be longer than zero');
  }
  return ms;
}

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

function serviceAccountKubeConfig(
  c: Config,
  key: string,
  name: string,
  url: string,
) {
  const kubeConfig = new KubeConfig();
  const token = c.getOptionalString('serviceAccountToken');
  const caData = c.getOptionalString('caData');
  const caFile = c.getOptionalString('caFile');
  const skipTLSVerify = c.getOptionalBoolean('skipTLSVerify') ?? false;
  if (caFile && !fs.existsSync(caFile)) {
    throw configError(`${key}.caFile`, `${caFile} does not exist`);
  }
  if (token) {
    kubeConfig.loadFromClusterAndUser(
      { name, server: url, caData, caFile, skipTLSVerify },
      { name: `${name}-user`, token },
    );
    return kubeConfig;
  }
  // Inside the cluster, the pod's projected token; client-node re-reads it as the kubelet rotates it.
  const tokenFile = `${SERVICE_ACCOUNT_DIR}/token`;
  if (!fs.existsSync(tokenFile)) {
    throw configError(
      `${key}.serviceAccountToken`,
      `cluster '${name}' needs a token outside the cluster (no ${tokenFile} here)`,
    );
  }
  const podCa = `${SERVICE_ACCOUNT_DIR}/ca.crt`;
  kubeConfig.loadFromClusterAndUser(
    {
      name,
      server: url,
      caData,
      caFile: caFile ?? (caData || !fs.existsSync(podCa) ? undefined : podCa),
      skipTLSVerify,
    },
    {
      name: `${name}-user`,
      authProvider: { name: 'tokenFile', config: { tokenFile } },
    },
  );
  return kubeConfig;
}

function kubeconfigFileKubeConfig(c: Config, key: string) {
  const kubeConfig = new KubeConfig();
  const file = c.getOptionalString('kubeconfigPath');
  try {
    if (file) kubeConfig.loadFromFile(file);
    else kubeConfig.loadFromDefault();
  } catch (error) {
    throw configError(
      `${key}.kubeconfigPath`,
      `cannot load ${file ?? 'the default kubeconfig'}: ${
        (error as Error).message
      }`,
    );
  }
  const context = c.getOptionalString('context');
  if (context) {
    if (!kubeConfig.getContextObject(context)) {
      throw configError(
        `${key}.context`,
        `the kubeconfig has no context '${context}'`,
      );
    }
    kubeConfig.setCurrentContext(context);
  }
  return kubeConfig;
}

function readCluster(
  c: Config,
  key: string,
  defaultTimeoutMs: number,
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
  const timeoutMs = readTimeoutMs(c, key, defaultTimeoutMs);
  return {
    name,
    url,
    namespace,
    storageClassName:
      c.getOptionalString('storageClassName') ?? 'longhorn-desktop',
    os,
    timeoutMs,
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
  const defaultTimeoutMs = kubevirt
    ? readTimeoutMs(kubevirt, 'workspaces.kubevirt', DEFAULT_TIMEOUT_MS)
    : DEFAULT_TIMEOUT_MS;
  const clusters: KubeVirtCluster[] = [];
  const keys: string[] = [];
  const own = kubevirt?.getOptionalConfigArray('clusters');
  if (own) {
    own.forEach((c, i) => {
      const key = `workspaces.kubevirt.clusters[${i}]`;
      clusters.push(readCluster(c, key, defaultTimeoutMs));
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
        clusters.push(readCluster(c, key, defaultTimeoutMs));
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
