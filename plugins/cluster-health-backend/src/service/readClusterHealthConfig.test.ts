import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { INSTANT_PANEL_DEFAULTS, RANGE_PANEL_DEFAULTS } from './defaultPanels';
import { readClusterHealthConfig } from './readClusterHealthConfig';

const read = (clusterHealth: object) =>
  readClusterHealthConfig(new ConfigReader({ clusterHealth }));
const prod = {
  name: 'rke2-prod',
  prometheus: { url: 'http://prometheus:9090' },
};

describe('readClusterHealthConfig', () => {
  it('has defaults: no clusters, 15 s cache, 5 s timeout, the default panels', () => {
    const config = readClusterHealthConfig(new ConfigReader({}));
    expect(config).toMatchObject({
      clusters: [],
      cacheTtlMs: 15_000,
      timeoutMs: 5_000,
    });
    expect(config.panels.nodesReady).toEqual(INSTANT_PANEL_DEFAULTS.nodesReady);
    expect(config.panels.cpuOverTime).toEqual(RANGE_PANEL_DEFAULTS.cpuOverTime);
  });

  it('reads clusters with their credentials, durations and query overrides', () => {
    // A fresh copy each time, so that what is read cannot be what was given.
    const production = () => ({
      name: 'rke2-prod',
      title: 'Production',
      entityRef: 'resource:default/rke2-prod',
      prometheus: {
        url: 'https://mimir/prometheus',
        token: 't0k',
        headers: { 'X-Scope-OrgID': 'prod' },
      },
    });
    const config = read({
      clusters: [
        production(),
        { name: 'lab', prometheus: { url: 'http://lab:9090' } },
      ],
      cacheTtl: { seconds: 30 },
      timeout: '2s',
      panels: { consoleSessions: { query: 'sum(my_sessions)' } },
    });
    expect(config.clusters).toEqual([
      production(),
      { name: 'lab', title: 'lab', prometheus: { url: 'http://lab:9090' } },
    ]);
    expect(config.cacheTtlMs).toBe(30_000);
    expect(config.timeoutMs).toBe(2_000);
    expect(config.panels.consoleSessions).toEqual({
      ...INSTANT_PANEL_DEFAULTS.consoleSessions,
      query: 'sum(my_sessions)',
    });
  });

  it.each([
    [
      { clusters: [{ ...prod, name: 'RKE2 Prod' }] },
      "Invalid config at 'clusterHealth.clusters[0].name': 'RKE2 Prod' must be lower case letters, digits and dashes",
    ],
    [
      { clusters: [{ ...prod, prometheus: { url: 'prometheus:9090/x y' } }] },
      "Invalid config at 'clusterHealth.clusters[0].prometheus.url': 'prometheus:9090/x y' must be an http:// or https:// URL",
    ],
    [
      { clusters: [prod, { ...prod, prometheus: { url: 'not a url' } }] },
      "Invalid config at 'clusterHealth.clusters[1].prometheus.url': 'not a url' is not a URL",
    ],
    [
      { clusters: [prod, prod] },
      "Invalid config at 'clusterHealth.clusters[1].name': 'rke2-prod' is already used at clusterHealth.clusters[0].name; names must be unique",
    ],
    [
      { clusters: [{ name: 'x' }] },
      "Invalid config at 'clusterHealth.clusters[0].prometheus.url': a value is required",
    ],
    [
      { clusters: [{ ...prod, title: 7 }] },
      "Invalid config at 'clusterHealth.clusters[0].title': expected string, got number",
    ],
    [
      { panels: { 'up{job="x"}': { query: 'up' } } },
      `Invalid config at 'clusterHealth.panels.up{job="x"}': 'up{job="x"}' names no panel`,
    ],
    [
      { panels: { nodesReady: { query: '  ' } } },
      "Invalid config at 'clusterHealth.panels.nodesReady.query': is empty",
    ],
    [
      { timeout: { seconds: 0 } },
      "Invalid config at 'clusterHealth.timeout': must be longer than zero, got 0 ms",
    ],
    [
      { timeout: 5000 },
      "Invalid config at 'clusterHealth.timeout': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got 5000",
    ],
    [
      { cacheTtl: 'often' },
      `Invalid config at 'clusterHealth.cacheTtl': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got "often"`,
    ],
  ])(
    'refuses %j with an InputError naming the key',
    (clusterHealth, message) => {
      expect(() => read(clusterHealth)).toThrow(InputError);
      expect(() => read(clusterHealth)).toThrow(message);
    },
  );
});
