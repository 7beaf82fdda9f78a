import { ConfigReader } from '@backstage/config';
import { readKubeVirtClusters } from './clusters';

describe('readKubeVirtClusters', () => {
  it('reads its own clusters with defaults', () => {
    const [c] = readKubeVirtClusters(
      new ConfigReader({
        workspaces: { kubevirt: { clusters: [{ name: 'prod', url: 'https://prod:6443/', serviceAccountToken: 't', caData: 'Y2E=' }] } },
      }),
    );
    expect(c).toMatchObject({ name: 'prod', url: 'https://prod:6443', namespace: 'workspaces', storageClassName: 'longhorn-desktop', os: ['linux', 'windows'] });
    expect(c.kubeConfig.getCurrentUser()?.token).toBe('t');
  });

  it('falls back to the Kubernetes plugin clusters', () => {
    const clusters = readKubeVirtClusters(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'catalog' },
            { type: 'config', clusters: [{ name: 'k', url: 'https://k:6443', authProvider: 'serviceAccount', serviceAccountToken: 'x' }] },
          ],
        },
      }),
    );
    expect(clusters.map(c => c.name)).toEqual(['k']);
  });

  it.each([
    [{ name: 'a', serviceAccountToken: 't' }, /workspaces.kubevirt.clusters\[a\].url is required/],
    [{ name: 'a', url: 'https://a', authProvider: 'oidc' }, /authProvider must be serviceAccount or kubeconfig/],
    [{ name: 'a', url: 'https://a', serviceAccountToken: 't', os: ['macos'] }, /os lists 'macos'/],
  ])('refuses bad config %j with a message naming the key', (cluster, message) => {
    expect(() => readKubeVirtClusters(new ConfigReader({ workspaces: { kubevirt: { clusters: [cluster] } } }))).toThrow(message);
  });
});
