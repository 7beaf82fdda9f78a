import fs from 'fs';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { configError } from '@desktop-mania/config-node';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Credentials of authProvider serviceAccount: a token, or the pod's own. */
export function serviceAccountKubeConfig(
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

/** Credentials of authProvider kubeconfig: a file and one of its contexts. */
export function kubeconfigFileKubeConfig(c: Config, key: string) {
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
