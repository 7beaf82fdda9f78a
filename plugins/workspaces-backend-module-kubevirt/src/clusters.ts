import fs from 'fs';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import type { WorkspaceOs } from '@desktop-mania/plugin-workspaces-common';

/** One KubeVirt cluster desktops may run on. */
export interface KubeVirtCluster {
  name: string;
  url: string;
  namespace: string;
  storageClassName: string;
  os: WorkspaceOs[];
  timeoutMs: number;
  kubeConfig: KubeConfig;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function readCluster(c: Config, where: string): KubeVirtCluster {
  const name = c.getString('name');
  const authProvider = c.getOptionalString('authProvider') ?? 'serviceAccount';
  const kubeConfig = new KubeConfig();
  let url = c.getOptionalString('url');
  if (authProvider === 'kubeconfig') {
    const file = c.getOptionalString('kubeconfigPath');
    if (file) kubeConfig.loadFromFile(file);
    else kubeConfig.loadFromDefault();
    const context = c.getOptionalString('context');
    if (context) kubeConfig.setCurrentContext(context);
    url ??= kubeConfig.getCurrentCluster()?.server;
  } else if (authProvider === 'serviceAccount') {
    if (!url) {
      throw new InputError(`${where}[${name}].url is required for authProvider serviceAccount`);
    }
    // Inside the cluster the pod's own service account is the default.
    const token =
      c.getOptionalString('serviceAccountToken') ??
      (fs.existsSync(`${SERVICE_ACCOUNT_DIR}/token`)
        ? fs.readFileSync(`${SERVICE_ACCOUNT_DIR}/token`, 'utf8').trim()
        : undefined);
    if (!token) {
      throw new InputError(
        `${where}[${name}].serviceAccountToken is required outside the cluster`,
      );
    }
    kubeConfig.loadFromClusterAndUser(
      {
        name,
        server: url,
        caData: c.getOptionalString('caData'),
        caFile: c.getOptionalString('caFile'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
      },
      { name: `${name}-user`, token },
    );
  } else {
    throw new InputError(
      `${where}[${name}].authProvider must be serviceAccount or kubeconfig, got '${authProvider}'`,
    );
  }
  if (!url) throw new InputError(`${where}[${name}] has no API server url`);
  const os = (c.getOptionalStringArray('os') ?? ['linux', 'windows']) as WorkspaceOs[];
  for (const o of os) {
    if (o !== 'linux' && o !== 'windows') {
      throw new InputError(`${where}[${name}].os lists '${o}'; use linux and/or windows`);
    }
  }
  return {
    name,
    url: url.replace(/\/$/, ''),
    namespace: c.getOptionalString('namespace') ?? 'workspaces',
    storageClassName: c.getOptionalString('storageClassName') ?? 'longhorn-desktop',
    os,
    timeoutMs: c.getOptionalNumber('timeoutMs') ?? 10_000,
    kubeConfig,
  };
}

/**
 * Clusters from `workspaces.kubevirt.clusters`, or else the clusters the
 * Kubernetes plugin is configured with, so adopters configure them once.
 */
export function readKubeVirtClusters(config: Config): KubeVirtCluster[] {
  const own = config.getOptionalConfigArray('workspaces.kubevirt.clusters');
  if (own) return own.map(c => readCluster(c, 'workspaces.kubevirt.clusters'));
  const methods = config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  return methods
    .filter(m => m.getString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? [])
    .map(c => readCluster(c, 'kubernetes.clusterLocatorMethods.clusters'));
}
