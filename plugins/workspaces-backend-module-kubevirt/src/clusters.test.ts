import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readKubeVirtClusters } from './clusters';

const own = (clusters: object[], extra: object = {}) =>
  new ConfigReader({ workspaces: { kubevirt: { clusters, ...extra } } });

async function headersOf(
  kubeConfig: import('@kubernetes/client-node').KubeConfig,
) {
  const options: any = {};
  await kubeConfig.applyToHTTPSOptions(options);
  return options;
}

describe('readKubeVirtClusters', () => {
  it('reads its own clusters with defaults', async () => {
    const [c] = readKubeVirtClusters(
      own([
        {
          name: 'prod',
          url: 'https://prod:6443/',
          serviceAccountToken: 't',
          caData: Buffer.from('CA').toString('base64'),
        },
      ]),
    );
    expect(c).toMatchObject({
      name: 'prod',
      url: 'https://prod:6443',
      namespace: 'workspaces',
      storageClassName: 'longhorn-desktop',
      os: ['linux', 'windows'],
      timeoutMs: 10_000,
    });
    const options = await headersOf(c.kubeConfig);
    expect(options.headers.Authorization).toBe('Bearer t');
    expect(options.ca.toString()).toBe('CA');
  });

  it('reads every field it documents, and keeps a path in the URL', () => {
    const [c] = readKubeVirtClusters(
      own(
        [
          {
            name: 'lab',
            url: 'https://rancher.example.com/k8s/clusters/c-m-abc/',
            serviceAccountToken: 't',
            skipTLSVerify: true,
            namespace: 'desks',
            storageClassName: 'fast',
            os: ['linux'],
          },
        ],
        { timeout: '2.5s' },
      ),
    );
    expect(c).toMatchObject({
      url: 'https://rancher.example.com/k8s/clusters/c-m-abc',
      namespace: 'desks',
      storageClassName: 'fast',
      os: ['linux'],
      timeoutMs: 2500,
    });
    expect(c.kubeConfig.getCurrentCluster()?.skipTLSVerify).toBe(true);
  });

  it.each([
    ['an ISO duration', 'PT30S', 30_000],
    ['a duration string', '1m', 60_000],
    ['a duration object', { seconds: 5, milliseconds: 500 }, 5_500],
  ])(
    'reads timeout as %s, for the default and for one cluster',
    (_, timeout, ms) => {
      const [inherits, overrides] = readKubeVirtClusters(
        own(
          [
            { name: 'a', url: 'https://a', serviceAccountToken: 't' },
            {
              name: 'b',
              url: 'https://b',
              serviceAccountToken: 't',
              timeout: '2s',
            },
          ],
          { timeout },
        ),
      );
      expect(inherits.timeoutMs).toBe(ms);
      expect(overrides.timeoutMs).toBe(2_000);
      const [c] = readKubeVirtClusters(
        own([
          { name: 'c', url: 'https://c', serviceAccountToken: 't', timeout },
        ]),
      );
      expect(c.timeoutMs).toBe(ms);
    },
  );

  it('falls back to the config clusters of the Kubernetes plugin, skipping those it cannot authenticate to', () => {
    const logger = mockServices.logger.mock();
    const clusters = readKubeVirtClusters(
      new ConfigReader({
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [
            { type: 'catalog' },
            {
              type: 'config',
              clusters: [
                {
                  name: 'k',
                  url: 'https://k:6443',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'x',
                  skipTLSVerify: true,
                },
                { name: 'gke', url: 'https://gke', authProvider: 'google' },
              ],
            },
          ],
        },
      }),
      logger,
    );
    expect(clusters.map(c => [c.name, c.url, c.namespace])).toEqual([
      ['k', 'https://k:6443', 'workspaces'],
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /Skipping kubernetes.clusterLocatorMethods\[1\].clusters\[1\] \(gke\).*'google' is not supported/,
      ),
    );
  });

  it('prefers its own clusters over the Kubernetes plugin ones, and finds none when neither is set', () => {
    const both = new ConfigReader({
      workspaces: {
        kubevirt: {
          clusters: [
            { name: 'own', url: 'https://own', serviceAccountToken: 't' },
          ],
        },
      },
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'k', url: 'https://k', serviceAccountToken: 'x' },
            ],
          },
        ],
      },
    });
    expect(readKubeVirtClusters(both).map(c => c.name)).toEqual(['own']);
    expect(readKubeVirtClusters(new ConfigReader({}))).toEqual([]);
  });

  it('authenticates with a kubeconfig file and its named context', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubevirt-clusters-'));
    const file = path.join(dir, 'config');
    fs.writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'a', cluster: { server: 'https://a:6443' } },
          { name: 'b', cluster: { server: 'https://b:6443/' } },
        ],
        users: [
          { name: 'ua', user: { token: 'ta' } },
          { name: 'ub', user: { token: 'tb' } },
        ],
        contexts: [
          { name: 'ctx-a', context: { cluster: 'a', user: 'ua' } },
          { name: 'ctx-b', context: { cluster: 'b', user: 'ub' } },
        ],
        'current-context': 'ctx-a',
      }),
    );
    try {
      const [c] = readKubeVirtClusters(
        own([
          {
            name: 'b',
            authProvider: 'kubeconfig',
            kubeconfigPath: file,
            context: 'ctx-b',
          },
        ]),
      );
      expect(c.url).toBe('https://b:6443');
      expect((await headersOf(c.kubeConfig)).headers.Authorization).toBe(
        'Bearer tb',
      );
      expect(() =>
        readKubeVirtClusters(
          own([
            {
              name: 'b',
              authProvider: 'kubeconfig',
              kubeconfigPath: file,
              context: 'nope',
            },
          ]),
        ),
      ).toThrow(
        "Invalid config at 'workspaces.kubevirt.clusters[0].context': the kubeconfig has no context 'nope'",
      );
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it.each([
    [
      { name: 'a', serviceAccountToken: 't' },
      "Invalid config at 'workspaces.kubevirt.clusters[0].url': cluster 'a' needs the URL of its API server",
    ],
    [
      { name: 'a', url: 'rke2:6443', serviceAccountToken: 't' },
      "Invalid config at 'workspaces.kubevirt.clusters[0].url': 'rke2:6443' must be an https:// URL",
    ],
    [
      { name: 'a', url: 'not a url', serviceAccountToken: 't' },
      "Invalid config at 'workspaces.kubevirt.clusters[0].url': 'not a url' is not a URL",
    ],
    [
      { name: 'a', url: 'https://a', authProvider: 'oidc' },
      "Invalid config at 'workspaces.kubevirt.clusters[0].authProvider': 'oidc' is not supported",
    ],
    [
      { name: 'a', url: 'https://a', serviceAccountToken: 't', os: ['macos'] },
      "Invalid config at 'workspaces.kubevirt.clusters[0].os': list linux and/or windows, got [macos]",
    ],
    [
      { name: 'a', url: 'https://a', serviceAccountToken: 't', os: [] },
      "Invalid config at 'workspaces.kubevirt.clusters[0].os'",
    ],
    [
      {
        name: 'a',
        url: 'https://a',
        serviceAccountToken: 't',
        namespace: 'Desks',
      },
      "Invalid config at 'workspaces.kubevirt.clusters[0].namespace': 'Desks' is not a namespace name",
    ],
    [
      { name: 'a', url: 'https://a', serviceAccountToken: 't', timeout: 5000 },
      "Invalid config at 'workspaces.kubevirt.clusters[0].timeout': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got 5000",
    ],
    [
      { name: 'a', url: 'https://a', serviceAccountToken: 't', timeout: '5' },
      "Invalid config at 'workspaces.kubevirt.clusters[0].timeout': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got \"5\"",
    ],
    [
      {
        name: 'a',
        url: 'https://a',
        serviceAccountToken: 't',
        timeout: { secs: 5 },
      },
      "Invalid config at 'workspaces.kubevirt.clusters[0].timeout': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got {\"secs\":5}",
    ],
    [
      {
        name: 'a',
        url: 'https://a',
        serviceAccountToken: 't',
        timeout: { seconds: 0 },
      },
      "Invalid config at 'workspaces.kubevirt.clusters[0].timeout': must be longer than zero",
    ],
    [
      {
        name: 'a',
        url: 'https://a',
        serviceAccountToken: 't',
        timeoutMs: 5000,
      },
      "Invalid config at 'workspaces.kubevirt.clusters[0].timeoutMs': renamed to 'workspaces.kubevirt.clusters[0].timeout'",
    ],
    [
      {
        name: 'a',
        url: 'https://a',
        serviceAccountToken: 't',
        caFile: '/nonexistent/ca.crt',
      },
      "Invalid config at 'workspaces.kubevirt.clusters[0].caFile': /nonexistent/ca.crt does not exist",
    ],
    [
      {
        name: 'a',
        authProvider: 'kubeconfig',
        kubeconfigPath: '/nonexistent/kubeconfig',
      },
      "Invalid config at 'workspaces.kubevirt.clusters[0].kubeconfigPath': cannot load /nonexistent/kubeconfig",
    ],
    [
      { url: 'https://a', serviceAccountToken: 't' },
      "Invalid config at 'workspaces.kubevirt.clusters[0].name': a value is required",
    ],
    [
      { name: 'a', url: 'https://a', serviceAccountToken: 't', os: 'linux' },
      "Invalid config at 'workspaces.kubevirt.clusters[0].os': expected string-array, got string",
    ],
    [
      { name: 'a', url: 'https://a', serviceAccountToken: 't', namespace: 7 },
      "Invalid config at 'workspaces.kubevirt.clusters[0].namespace': expected string, got number",
    ],
  ])('refuses %j with an InputError naming the key', (cluster, message) => {
    const read = () => readKubeVirtClusters(own([cluster]));
    expect(read).toThrow(InputError);
    expect(read).toThrow(message);
  });

  it.each([
    [
      { timeout: 'soon' },
      "Invalid config at 'workspaces.kubevirt.timeout': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got \"soon\"",
    ],
    [
      { timeout: 'PT0S' },
      "Invalid config at 'workspaces.kubevirt.timeout': must be longer than zero",
    ],
    [
      { timeoutMs: 10_000 },
      "Invalid config at 'workspaces.kubevirt.timeoutMs': renamed to 'workspaces.kubevirt.timeout', a duration such as '10s', 'PT10S' or { seconds: 10 }",
    ],
    [
      { stopGracePeriod: 'a while' },
      "Invalid config at 'workspaces.kubevirt.stopGracePeriod': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got \"a while\"",
    ],
    [
      { stopGracePeriod: { seconds: -5 } },
      "Invalid config at 'workspaces.kubevirt.stopGracePeriod': must not be negative",
    ],
  ])('refuses the default %j naming the key', (kubevirt, message) => {
    const c = { name: 'a', url: 'https://a', serviceAccountToken: 't' };
    const read = () => readKubeVirtClusters(own([c], kubevirt));
    expect(read).toThrow(InputError);
    expect(read).toThrow(message);
  });

  it.each([
    [undefined, undefined],
    ['5m', 300],
    ['PT90.5S', 91],
    [{ seconds: 0 }, 0],
  ])(
    'reads stopGracePeriod %j as %j whole seconds for every cluster',
    (stopGracePeriod, seconds) => {
      const clusters = readKubeVirtClusters(
        own(
          [
            { name: 'a', url: 'https://a', serviceAccountToken: 't' },
            { name: 'b', url: 'https://b', serviceAccountToken: 't' },
          ],
          stopGracePeriod === undefined ? {} : { stopGracePeriod },
        ),
      );
      expect(clusters.map(c => c.stopGracePeriodSeconds)).toEqual([
        seconds,
        seconds,
      ]);
    },
  );

  it('names the key of a mistake among the Kubernetes plugin clusters', () => {
    expect(() =>
      readKubeVirtClusters(
        new ConfigReader({
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'k',
                    url: 'ftp://k',
                    serviceAccountToken: 'x',
                  },
                ],
              },
            ],
          },
        }),
      ),
    ).toThrow(
      "Invalid config at 'kubernetes.clusterLocatorMethods[0].clusters[0].url': 'ftp://k' must be an https:// URL",
    );
  });

  it('refuses a cluster name used twice, naming both keys', () => {
    const c = { name: 'a', url: 'https://a', serviceAccountToken: 't' };
    const read = () => readKubeVirtClusters(own([c, c]));
    expect(read).toThrow(InputError);
    expect(read).toThrow(
      "Invalid config at 'workspaces.kubevirt.clusters[1].name': the cluster name 'a' is already used at workspaces.kubevirt.clusters[0].name; names must be unique",
    );
  });

  const inCluster = fs.existsSync(
    '/var/run/secrets/kubernetes.io/serviceaccount/token',
  );
  const itOutsideCluster = inCluster ? it.skip : it;
  itOutsideCluster(
    'asks for a token when there is no pod service account to fall back to',
    () => {
      // The rule cannot tell that itOutsideCluster is `it`.
      // eslint-disable-next-line jest/no-standalone-expect
      expect(() =>
        readKubeVirtClusters(own([{ name: 'a', url: 'https://a' }])),
      ).toThrow(
        "Invalid config at 'workspaces.kubevirt.clusters[0].serviceAccountToken': cluster 'a' needs a token outside the cluster",
      );
    },
  );
  if (inCluster) {
    // eslint-disable-next-line no-console
    console.warn(
      'Skipping the missing-token test: this process runs inside a Kubernetes pod',
    );
  }
});
