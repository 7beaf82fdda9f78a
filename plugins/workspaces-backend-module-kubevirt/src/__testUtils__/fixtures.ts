import { KubeConfig } from '@kubernetes/client-node';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import type { KubeVirtCluster } from '../clusters';

export const API = 'https://k8s.test:6443';

export function testCluster(overrides: Partial<KubeVirtCluster> = {}): KubeVirtCluster {
  const kubeConfig = new KubeConfig();
  const server = overrides.url ?? API;
  // client-node only speaks plain HTTP to servers marked insecure: the loopback stand-ins of the console tests.
  kubeConfig.loadFromClusterAndUser(
    { name: 'test', server, skipTLSVerify: server.startsWith('http:') },
    { name: 'test-user', token: 'sa-token' },
  );
  return {
    name: 'rke2-test',
    url: API,
    namespace: 'workspaces',
    storageClassName: 'longhorn-desktop',
    os: ['linux', 'windows'],
    timeoutMs: 2000,
    kubeConfig,
    ...overrides,
  };
}

export function spec(os: 'linux' | 'windows', name = `${os}-desk`): WorkspaceCreateSpec {
  return {
    name,
    cluster: 'rke2-test',
    image:
      os === 'linux'
        ? { name: 'ubuntu-desktop', title: 'Ubuntu', os, dataSource: { name: 'ubuntu-desktop', namespace: 'desktop-images' }, preference: 'ubuntu' }
        : { name: 'windows-11', title: 'Windows 11', os, dataSource: { name: 'windows-11-desktop', namespace: 'desktop-images' }, preference: 'windows.11.virtio' },
    size: { name: 'medium', title: 'Medium', instancetype: os === 'linux' ? 'u1.medium' : 'u1.large' },
    diskGi: 60,
    owner: 'group:default/team-a',
    createdBy: 'user:default/alice',
    username: 'alice',
    expiresAt: '2026-12-01T00:00:00.000Z',
  };
}
