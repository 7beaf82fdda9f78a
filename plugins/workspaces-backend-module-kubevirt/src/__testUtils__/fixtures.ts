import { KubeConfig } from '@kubernetes/client-node';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import type { KubeVirtCluster } from '../clusters';

/** The API server msw answers as. */
export const API = 'https://k8s.test:6443';
export const TOKEN = 'sa-token';

export function testCluster(
  overrides: Partial<Omit<KubeVirtCluster, 'kubeConfig'>> & {
    caData?: string;
  } = {},
): KubeVirtCluster {
  const { caData, ...rest } = overrides;
  const url = rest.url ?? API;
  const kubeConfig = new KubeConfig();
  // client-node speaks plain HTTP only to servers marked insecure: the loopback stand-ins.
  kubeConfig.loadFromClusterAndUser(
    {
      name: 'test',
      server: url,
      caData,
      skipTLSVerify: url.startsWith('http:'),
    },
    { name: 'test-user', token: TOKEN },
  );
  return {
    name: 'rke2-test',
    url,
    namespace: 'workspaces',
    storageClassName: 'longhorn-desktop',
    os: ['linux', 'windows'],
    timeoutMs: 2000,
    ...rest,
    kubeConfig,
  };
}

/** The desktop `spec('linux')` orders, as the backend names it to the provider. */
export const desk = { name: 'linux-desk', cluster: 'rke2-test' };

/** What the workspaces backend hands the provider for one order. */
export function spec(
  os: 'linux' | 'windows',
  name = `${os}-desk`,
): WorkspaceCreateSpec {
  return {
    name,
    cluster: 'rke2-test',
    image:
      os === 'linux'
        ? {
            name: 'ubuntu-desktop',
            title: 'Ubuntu',
            os,
            dataSource: { name: 'ubuntu-desktop', namespace: 'desktop-images' },
            preference: 'ubuntu',
          }
        : {
            name: 'windows-11',
            title: 'Windows 11',
            os,
            dataSource: {
              name: 'windows-11-desktop',
              namespace: 'desktop-images',
            },
            preference: 'windows.11.virtio',
          },
    size: {
      name: os === 'linux' ? 'medium' : 'large',
      title: 'Desk',
      instancetype: os === 'linux' ? 'u1.medium' : 'u1.large',
    },
    diskGi: 60,
    owner: 'group:default/team-a',
    createdBy: 'user:default/alice',
    username: 'alice',
    expiresAt: '2026-12-01T00:00:00.000Z',
  };
}
