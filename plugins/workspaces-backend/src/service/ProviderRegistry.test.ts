import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { ProviderRegistry } from './ProviderRegistry';

/** One provider that serves two clusters, as the KubeVirt module can. */
function twoClusterProvider(id: string, names: [string, string]) {
  const provider = new FakeProvider(names[0]);
  Object.assign(provider, {
    id,
    getClusters: () => names.map(name => ({ name, os: ['linux' as const] })),
  });
  return provider;
}

describe('ProviderRegistry', () => {
  it('lists each cluster once when one provider serves two', () => {
    const registry = new ProviderRegistry([
      twoClusterProvider('kubevirt', ['east', 'west']),
    ]);
    expect(registry.clusters()).toEqual([
      { name: 'east', provider: 'kubevirt', os: ['linux'] },
      { name: 'west', provider: 'kubevirt', os: ['linux'] },
    ]);
  });

  it('lists clusters of several providers, each under its own provider', () => {
    const registry = new ProviderRegistry(
      [
        twoClusterProvider('kubevirt', ['east', 'west']),
        new FakeProvider('local'),
      ],
      'west',
    );
    expect(registry.clusters().map(c => `${c.provider}/${c.name}`)).toEqual([
      'kubevirt/east',
      'kubevirt/west',
      'fake/local',
    ]);
    expect(registry.defaultCluster()).toBe('west');
    expect(registry.forCluster('east').id).toBe('kubevirt');
  });

  it('refuses two providers that claim one cluster, naming both', () => {
    expect(
      () =>
        new ProviderRegistry([
          twoClusterProvider('kubevirt', ['east', 'west']),
          new FakeProvider('west'),
        ]),
    ).toThrow(
      "Cluster 'west' is served by both the 'kubevirt' and 'fake' providers",
    );
  });

  it('refuses a default cluster nobody serves', () => {
    expect(() => new ProviderRegistry([new FakeProvider('a')], 'b')).toThrow(
      "workspaces.defaultCluster is 'b', but no provider serves it; served: a",
    );
  });
});
