import { ConfigReader } from '@backstage/config';
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
    const config = read({
      clusters: [
        {
          ...prod,
          title: 'Production',
          entityRef: 'resource:default/rke2-prod',
          prometheus: {
            url: 'https://mimir/prometheus',
            token: 't0k',
            headers: { 'X-Scope-OrgID': 'prod' },
          },
        },
        { name: 'lab', prometheus: { url: 'http://lab:9090' } },
      ],
      cacheTtl: { seconds: 30 },
      timeout: '2s',
      panels: { consoleSessions: { query: 'sum(my_sessions)' } },
    });
    expect(config.clusters).toEqual([
      {
        name: 'rke2-prod',
        title: 'Production',
        entityRef: 'resource:default/rke2-prod',
        prometheus: {
          url: 'https://mimir/prometheus',
          token: 't0k',
          headers: { 'X-Scope-OrgID': 'prod' },
        },
      },
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
      /must be lower case letters, digits and dashes/,
    ],
    [
      { clusters: [{ ...prod, prometheus: { url: 'prometheus:9090/x y' } }] },
      /must be http or https|is not a URL/,
    ],
    [
      { clusters: [{ ...prod, prometheus: { url: 'not a url' } }] },
      /is not a URL/,
    ],
    [{ clusters: [prod, prod] }, /names 'rke2-prod' twice/],
    [{ clusters: [{ name: 'x' }] }, /prometheus/],
    [{ panels: { 'up{job="x"}': { query: 'up' } } }, /names no panel/],
    [{ panels: { nodesReady: { query: '  ' } } }, /nodesReady.query is empty/],
    [
      { timeout: { seconds: 0 } },
      /clusterHealth.timeout must be at least 1 ms/,
    ],
  ])('refuses %j', (clusterHealth, message) => {
    expect(() => read(clusterHealth)).toThrow(message);
  });
});
