import { validateManifests } from './validateManifests';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  },
};

const pool = {
  apiVersion: 'metallb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: { name: 'services', namespace: 'metallb-system' },
  spec: { addresses: ['192.0.2.20-192.0.2.39'] },
};

const kubevirt = {
  apiVersion: 'kubevirt.io/v1',
  kind: 'KubeVirt',
  metadata: { name: 'kubevirt', namespace: 'kubevirt' },
  spec: {
    configuration: {
      developerConfiguration: { featureGates: ['VMPersistentState'] },
    },
  },
};

const cluster = {
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'db', namespace: 'default' },
  spec: {
    instances: 3,
    storage: { storageClass: 'longhorn-db', size: '20Gi' },
  },
};

const route = {
  apiVersion: 'traefik.io/v1alpha1',
  kind: 'IngressRoute',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    routes: [
      {
        kind: 'Rule',
        match: 'Host(`a.example.com`)',
        services: [{ name: 'web', port: 80 }],
      },
    ],
  },
};

describe('validateManifests', () => {
  it('accepts valid objects of each schema family', () => {
    expect(
      validateManifests([deployment, pool, kubevirt, cluster, route]),
    ).toEqual([[], [], [], [], []]);
  });

  it('rejects a kind it has no schema for, rather than letting it pass', () => {
    const [errors] = validateManifests([
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: {},
      },
    ]);
    expect(errors).toEqual([
      'example.com/v1 Widget has no schema to validate it against',
    ]);
  });

  it('rejects a core kind kubernetes-models does not know', () => {
    const [errors] = validateManifests([
      { apiVersion: 'apps/v1', kind: 'Widget', metadata: { name: 'w' } },
    ]);
    expect(errors.join('\n')).toMatch(/apps\/v1 Widget has no model/);
  });

  it.each([
    [
      'a misspelt core field',
      { ...deployment, spec: { ...deployment.spec, replica: 2 } },
      /'"replica"' does not exist/,
    ],
    [
      'a wrong core type',
      { ...deployment, spec: { ...deployment.spec, replicas: 'two' } },
      /replicas/,
    ],
    [
      'a misspelt Traefik field',
      {
        ...route,
        spec: { routes: [{ kind: 'Rule', match: 'Host(`a`)', servics: [] }] },
      },
      /'"servics"' does not exist/,
    ],
    [
      'a misspelt MetalLB field',
      { ...pool, spec: { adresses: ['192.0.2.1/32'] } },
      /adresses/,
    ],
    [
      'a misspelt KubeVirt field',
      {
        ...kubevirt,
        spec: {
          configuration: { developerConfiguration: { featureGate: [] } },
        },
      },
      /featureGate/,
    ],
    [
      'a misspelt CloudNativePG field',
      { ...cluster, spec: { ...cluster.spec, instance: 3 } },
      /instance/,
    ],
    [
      'a CloudNativePG schedule with five fields',
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'ScheduledBackup',
        metadata: { name: 'nightly' },
        spec: { schedule: '0 2 * * *', cluster: { name: 'db' } },
      },
      /schedule/,
    ],
  ])('rejects %s', (_what, object, message) => {
    const [errors] = validateManifests([object]);
    expect(errors.join('\n')).toMatch(message);
  });
});
