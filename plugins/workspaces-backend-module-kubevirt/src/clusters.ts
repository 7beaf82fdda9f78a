import fs from 'fs';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
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
  timeoutMs: number;
  kubeConfig: KubeConfig;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const DEFAULT_TIMEOUT_MS = 10_000;
const OPERATING_SYSTEMS: WorkspaceOs[] = ['linux', 'windows'];

/** A config mistake, named by its key so the operator can find it. */
function configError(key: string, problem: string) {
  return new Error(`Invalid config at '${key}': ${problem}`);
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
  const timeoutMs = c.getOptionalNumber('timeoutMs') ?? defaultTimeoutMs;
  if (!(timeoutMs > 0)) {
    throw configError(
      `${key}.timeoutMs`,
      'must be a positive number of milliseconds',
    );
  }
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
 * Throws naming the key of the first mistake.
 *
 * @public
 */
export function readKubeVirtClusters(
  config: Config,
  logger?: LoggerService,
): KubeVirtCluster[] {
  const defaultTimeoutMs =
    config.getOptionalNumber('workspaces.kubevirt.timeoutMs') ??
    DEFAULT_TIMEOUT_MS;
  let clusters: KubeVirtCluster[];
  const own = config.getOptionalConfigArray('workspaces.kubevirt.clusters');
  if (own) {
    clusters = own.map((c, i) =>
      readCluster(c, `workspaces.kubevirt.clusters[${i}]`, defaultTimeoutMs),
    );
  } else {
    clusters = [];
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
      });
    });
  }
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.name))
      throw new Error(
        `Invalid config: the cluster name '${c.name}' is used twice`,
      );
    seen.add(c.name);
  }
  return clusters;
}
