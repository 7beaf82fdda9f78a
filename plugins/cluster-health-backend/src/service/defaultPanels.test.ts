import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterOverview,
  INSTANT_PANELS,
  InstantPanelAnswer,
  InstantPanelName,
  RANGE_PANELS,
} from '@desktop-mania/plugin-cluster-health-common';
import request from 'supertest';
import { clusterHealthPlugin } from '../plugin';
import {
  missingBinaries,
  PrometheusHarnessOptions,
  RunningPrometheus,
  startPrometheus,
} from '../__testUtils__/PrometheusHarness';
import {
  NOT_READY_NODE,
  SERVERS,
  WORKERS,
} from '../__testUtils__/syntheticCluster';

// Every default panel against a real Prometheus, scraping a real node-exporter
// and the synthetic RKE2 cluster, with seven hours of backfilled history.
jest.setTimeout(120_000);

const missing = missingBinaries();
const describeWithPrometheus = missing.length ? describe.skip : describe;
if (missing.length) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the default panels against a real Prometheus: ${missing.join(
      ', ',
    )} missing (Debian packages prometheus, prometheus-node-exporter)`,
  );
}

const user = {
  Authorization: mockCredentials.user.header('user:default/platform-owner'),
};

/**
 * Starts a Prometheus with `options` and the plugin reading it as the one
 * cluster `cluster`, once for the calling describe block, and stops both
 * after it.
 */
function usePluginOnPrometheus(
  cluster: string,
  options: PrometheusHarnessOptions,
) {
  let prometheus: RunningPrometheus | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  beforeAll(async () => {
    prometheus = await startPrometheus(options);
    backend = await startTestBackend({
      features: [
        clusterHealthPlugin,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            clusterHealth: {
              clusters: [
                { name: cluster, prometheus: { url: prometheus.url } },
              ],
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await prometheus?.stop();
  });
  return {
    prometheus: () => prometheus!,
    get: (path: string) =>
      request(backend!.server)
        .get(`/api/cluster-health/clusters/${cluster}${path}`)
        .set(user),
  };
}

describeWithPrometheus('default panels against a real Prometheus', () => {
  const { get, prometheus } = usePluginOnPrometheus('rke2-prod', {
    historyHours: 7,
  });
  let overview: ClusterOverview;

  const panel = (name: InstantPanelName) =>
    overview.panels[name] as InstantPanelAnswer;
  const byLabel = (name: InstantPanelName, label: string) =>
    Object.fromEntries(panel(name).data.map(s => [s.labels[label], s.value]));
  const only = (name: InstantPanelName) => {
    expect(panel(name).data).toHaveLength(1);
    return panel(name).data[0].value;
  };

  beforeAll(async () => {
    overview = (await get('/overview').expect(200)).body;
  });

  it.each(INSTANT_PANELS.map(p => [p]))('%s answers fresh data', name => {
    expect(panel(name)).toMatchObject({ panel: name, stale: false });
    expect(panel(name).error).toBeUndefined();
    expect(panel(name).data.length).toBeGreaterThan(0);
  });

  it('shows every node with readiness, roles and version', () => {
    expect(byLabel('nodesReady', 'node')).toEqual({
      ...Object.fromEntries([...SERVERS, ...WORKERS].map(n => [n, 1])),
      [NOT_READY_NODE]: 0,
    });
    const roles = panel('nodeRoles').data.map(
      s => `${s.labels.node}:${s.labels.role}`,
    );
    expect(roles).toContain('rke2-server-1:control-plane');
    expect(roles).toContain('rke2-server-3:etcd');
    expect(roles.some(r => r.startsWith('rke2-worker'))).toBe(false);
    expect(panel('nodeInfo').data[0].labels).toMatchObject({
      kubelet_version: 'v1.31.4+rke2r1',
      internal_ip: expect.stringMatching(/^10\.0\.0\./),
    });
  });

  it('reads the API server and etcd', () => {
    expect(byLabel('apiserverUp', 'instance')).toEqual({
      '10.0.0.11:6443': 1,
      '10.0.0.12:6443': 1,
      '10.0.0.13:6443': 1,
    });
    // 0.4 of about 57 requests per second end in 5xx.
    expect(only('apiserverErrorRate')).toBeGreaterThan(0.003);
    expect(only('apiserverErrorRate')).toBeLessThan(0.015);
    const byCode = byLabel('apiserverRequestsByCode', 'code');
    expect(Object.keys(byCode).sort()).toEqual([
      '200',
      '201',
      '404',
      '500',
      '503',
    ]);
    expect(byCode['200']).toBeGreaterThan(byCode['500']);
    expect(Object.values(byLabel('etcdHasLeader', 'instance'))).toEqual([
      1, 1, 1,
    ]);
    for (const size of Object.values(byLabel('etcdDbSize', 'instance')))
      expect(size).toBeGreaterThan(50e6);
    // One leader change 40 minutes ago; increase() extrapolates a little.
    expect(only('etcdLeaderChanges')).toBeGreaterThanOrEqual(0.9);
    expect(only('etcdLeaderChanges')).toBeLessThan(1.5);
  });

  it('reads CPU, memory and disk per node, this machine included, and in total', () => {
    for (const name of ['nodeCpu', 'nodeMemory', 'nodeDisk'] as const) {
      const nodes = byLabel(name, 'nodename');
      expect(Object.keys(nodes).sort()).toEqual(
        [...SERVERS, ...WORKERS, prometheus().nodeExporter.nodename].sort(),
      );
      for (const value of Object.values(nodes)) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    const real = panel('nodeMemory').data.find(
      s => s.labels.instance === prometheus().nodeExporter.instance,
    );
    expect(real?.value).toBeGreaterThan(0);
    for (const name of [
      'clusterCpu',
      'clusterMemory',
      'clusterDisk',
    ] as const) {
      expect(only(name)).toBeGreaterThan(0);
      expect(only(name)).toBeLessThan(1);
    }
  });

  it('counts pods, VMIs and desktops by phase, and console sessions', () => {
    expect(byLabel('podsByPhase', 'phase')).toEqual({
      Running: 17,
      Pending: 1,
      Succeeded: 1,
      Failed: 1,
      Unknown: 0,
    });
    expect(byLabel('vmisByPhase', 'phase')).toEqual({
      running: 8,
      scheduling: 1,
    });
    expect(byLabel('desktopsByPhase', 'phase')).toMatchObject({
      Stopped: 4,
      Starting: 1,
      Failed: 1,
    });
    expect(byLabel('desktopsByPhase', 'phase').Running).toBeGreaterThanOrEqual(
      6,
    );
    expect(only('consoleSessions')).toBeGreaterThanOrEqual(2);
  });

  it('reads Longhorn volume health, state and capacity', () => {
    // Numeric codes: robustness 1 healthy, 2 degraded, 3 faulted; state 2 attached, 3 detached.
    expect(byLabel('longhornVolumeRobustness', 'state')).toEqual({
      '1': 10,
      '2': 1,
      '3': 1,
    });
    expect(byLabel('longhornVolumeState', 'state')).toEqual({ '2': 9, '3': 3 });
    expect(byLabel('longhornUnhealthyVolumes', 'pvc')).toEqual({
      'desk-3-rootdisk': 2,
      'desk-7-rootdisk': 3,
    });
    expect(only('longhornVolumeCapacity')).toBe(12 * 60 * 2 ** 30);
    expect(only('longhornVolumeActualSize')).toBeLessThan(
      only('longhornVolumeCapacity'),
    );
    expect(byLabel('longhornNodeCapacity', 'node')).toEqual({
      'rke2-worker-1': 2e12,
      'rke2-worker-2': 2e12,
    });
    expect(Object.keys(byLabel('longhornNodeUsage', 'node')).sort()).toEqual(
      WORKERS,
    );
  });

  it('answers each instant panel on its own too', async () => {
    const res = await get('/panels/longhornNodeCapacity').expect(200);
    expect(res.body.data).toEqual(panel('longhornNodeCapacity').data);
  });

  it.each(RANGE_PANELS.map(p => [p]))(
    'draws %s over 6 hours from the history',
    async name => {
      const res = await get(`/panels/${name}?range=6h`).expect(200);
      expect(res.body).toMatchObject({
        panel: name,
        range: '6h',
        step: 90,
        stale: false,
      });
      expect(res.body.data.length).toBeGreaterThan(0);
      // Series of the synthetic cluster span the whole range; this machine's only since start.
      const longest = Math.max(
        ...res.body.data.map((s: { points: unknown[] }) => s.points.length),
      );
      expect(longest).toBeGreaterThanOrEqual(230);
    },
  );

  it('draws the other ranges too', async () => {
    for (const range of ['1h', '24h', '7d']) {
      const res = await get(
        `/panels/runningDesktopsOverTime?range=${range}`,
      ).expect(200);
      expect(res.body.data[0].points.length).toBeGreaterThan(0);
    }
  });

  it('lists the firing alerts with their severity, most severe first', async () => {
    const res = await get('/alerts').expect(200);
    expect(res.body.stale).toBe(false);
    expect(
      res.body.data.map(
        (a: { name: string; severity: string }) => `${a.severity} ${a.name}`,
      ),
    ).toEqual([
      'critical LonghornVolumeFaulted',
      'warning DesktopFailed',
      'warning KubeNodeNotReady',
      'warning LonghornVolumeDegraded',
    ]);
    expect(
      res.body.data.find((a: { name: string }) => a.name === 'KubeNodeNotReady')
        .summary,
    ).toBe(`Node ${NOT_READY_NODE} is not ready`);
  });
});

describeWithPrometheus('Longhorn panels against Longhorn 1.11 metrics', () => {
  const { get } = usePluginOnPrometheus('lab', {
    historyHours: 1,
    longhorn: 'labels',
  });

  const byState = async (name: string, label: string) =>
    Object.fromEntries(
      (await get(`/panels/${name}`).expect(200)).body.data.map(
        (s: { labels: Record<string, string>; value: number }) => [
          s.labels[label],
          s.value,
        ],
      ),
    );

  it('counts volumes by the state label', async () => {
    expect(await byState('longhornVolumeRobustness', 'state')).toEqual({
      unknown: 0,
      healthy: 10,
      degraded: 1,
      faulted: 1,
    });
    expect(await byState('longhornVolumeState', 'state')).toEqual({
      creating: 0,
      attached: 9,
      detached: 3,
      attaching: 0,
      detaching: 0,
      deleting: 0,
    });
  });

  it('lists the volumes that are not healthy with their state', async () => {
    const res = await get('/panels/longhornUnhealthyVolumes').expect(200);
    expect(
      Object.fromEntries(
        res.body.data.map((s: { labels: Record<string, string> }) => [
          s.labels.pvc,
          s.labels.state,
        ]),
      ),
    ).toEqual({
      'desk-3-rootdisk': 'degraded',
      'desk-7-rootdisk': 'faulted',
    });
  });
});
