import http from 'http';
import { AddressInfo } from 'net';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { INSTANT_PANELS, RANGE_PANELS } from '@desktop-mania/plugin-cluster-health-common';
import request from 'supertest';
import { clusterHealthPlugin } from './plugin';
import { missingBinaries, RunningPrometheus, startPrometheus } from './__testUtils__/PrometheusHarness';

jest.setTimeout(90_000);

const missing = missingBinaries();
if (missing.length) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus tests: ${missing.join(', ')} not installed (scripts/test.sh installs them)`);
}
const describeIfInstalled = missing.length ? describe.skip : describe;

async function start(url: string, extra: object = {}, result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW) {
  return startTestBackend({
    features: [
      clusterHealthPlugin,
      mockServices.permissions.factory({ result }),
      mockServices.rootConfig.factory({
        data: { clusterHealth: { cacheTtlSeconds: 0, timeoutMs: 500, clusters: [{ name: 'rke2-prod', title: 'Production', prometheus: { url } }], ...extra } },
      }),
    ],
  });
}

const user = { Authorization: mockCredentials.user.header('user:default/ops') };

describeIfInstalled('cluster health against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    prometheus = await startPrometheus();
    backend = await start(prometheus.url);
  });
  afterAll(async () => {
    await backend?.stop();
    prometheus?.stop();
  });

  it('answers every overview panel with real data', async () => {
    const res = await request(backend.server).get('/api/cluster-health/clusters/rke2-prod/overview').set(user).expect(200);
    for (const name of INSTANT_PANELS) {
      const panel = res.body.panels[name];
      expect({ name, error: panel.error }).toEqual({ name, error: undefined });
      expect({ name, samples: panel.data.length > 0 }).toEqual({ name, samples: true });
      expect(panel.stale).toBe(false);
    }
    const byLabel = (panel: string, label: string) =>
      Object.fromEntries(res.body.panels[panel].data.map((s: any) => [s.labels[label], s.value]));
    expect(byLabel('nodesReady', 'node')).toEqual({
      'rke2-server-1': 1, 'rke2-server-2': 1, 'rke2-server-3': 1, 'rke2-worker-1': 1, 'rke2-worker-2': 0,
    });
    expect(byLabel('desktopsByPhase', 'phase')).toMatchObject({ Stopped: 4, Starting: 1, Failed: 1 });
    expect(byLabel('longhornVolumeRobustness', 'robustness')).toEqual({ '1': 11, '2': 1 });
    expect(res.body.panels.apiserverUp.data[0].value).toBe(1);
    const errorRate = res.body.panels.apiserverErrorRate.data[0].value;
    expect(errorRate).toBeGreaterThan(0.005);
    expect(errorRate).toBeLessThan(0.02);
    // node-exporter on this machine: CPU and memory use are real fractions.
    const memory = res.body.panels.nodeMemory.data[0];
    expect(memory.labels.instance).toBe(prometheus.nodeExporter);
    expect(memory.value).toBeGreaterThan(0);
    expect(memory.value).toBeLessThan(1);
  });

  // node-exporter has only been scraped for seconds; the backfilled series span hours.
  const LIVE_ONLY = ['cpuOverTime', 'memoryOverTime'];
  it.each(RANGE_PANELS.map(p => [p]))('draws %s over 6 hours', async panel => {
    const res = await request(backend.server).get(`/api/cluster-health/clusters/rke2-prod/panels/${panel}?range=6h`).set(user).expect(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    expect(res.body.data[0].points.length).toBeGreaterThanOrEqual(LIVE_ONLY.includes(panel) ? 1 : 200);
  });

  it('lists firing alerts with their severity', async () => {
    const res = await request(backend.server).get('/api/cluster-health/clusters/rke2-prod/alerts').set(user).expect(200);
    const alerts = res.body.data.map((a: any) => [a.name, a.severity]).sort();
    expect(alerts).toEqual([['KubeNodeNotReady', 'warning'], ['LonghornVolumeDegraded', 'critical']]);
  });

  it('takes named panels and ranges only, never PromQL', async () => {
    await request(backend.server).get('/api/cluster-health/clusters/rke2-prod/panels/up%7Bjob%3D%22x%22%7D').set(user).expect(404);
    await request(backend.server).get('/api/cluster-health/clusters/rke2-prod/panels/cpuOverTime?range=2y').set(user).expect(400);
    await request(backend.server).get('/api/cluster-health/clusters/mars/overview').set(user).expect(404);
  });

  it('applies a query override from config', async () => {
    const custom = await start(prometheus.url, { panels: { consoleSessions: { query: 'vector(42)' } } });
    const res = await request(custom.server).get('/api/cluster-health/clusters/rke2-prod/panels/consoleSessions').set(user).expect(200);
    expect(res.body.data[0].value).toBe(42);
    await custom.stop();
  });
});

describe('cluster health when Prometheus misbehaves', () => {
  let stub: http.Server;
  let mode: 'ok' | 'down' | 'slow' | 'error' = 'ok';
  let url: string;

  beforeAll(async () => {
    stub = http.createServer((_req, res) => {
      if (mode === 'slow') return; // never answers
      if (mode === 'error') {
        res.writeHead(422, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', errorType: 'execution', error: 'query processing would load too many samples' }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '3'] }] } }));
    });
    await new Promise<void>(r => stub.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(r => stub.close(r)));

  async function answerAfterGood(failure: 'down' | 'slow' | 'error', target: string) {
    mode = 'ok';
    const backend = await start(target);
    const good = await request(backend.server).get('/api/cluster-health/clusters/rke2-prod/panels/consoleSessions').set(user).expect(200);
    mode = failure;
    const res = await request(backend.server).get('/api/cluster-health/clusters/rke2-prod/panels/consoleSessions').set(user);
    await backend.stop();
    return { good: good.body, res };
  }

  it('serves the last good answer marked stale when Prometheus returns errors', async () => {
    const { good, res } = await answerAfterGood('error', url);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stale: true, data: good.data, fetchedAt: good.fetchedAt, error: expect.stringMatching(/Prometheus answered 422 \(execution\): query processing would load too many samples/) });
  });

  it('serves the last good answer marked stale when Prometheus is slow', async () => {
    const { res } = await answerAfterGood('slow', url);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stale: true, error: 'Prometheus did not answer within 500 ms' });
  });

  it('answers 503 with the reason when Prometheus is down and nothing was cached', async () => {
    const backend = await start('http://127.0.0.1:9');
    const res = await request(backend.server).get('/api/cluster-health/clusters/rke2-prod/panels/consoleSessions').set(user).expect(503);
    expect(res.body.error.message).toMatch(/Prometheus could not be reached/);
    const overview = await request(backend.server).get('/api/cluster-health/clusters/rke2-prod/overview').set(user).expect(200);
    expect(overview.body.panels.nodesReady.error).toMatch(/could not be reached/);
    await backend.stop();
  });

  it('keeps the page to people the policy allows', async () => {
    const denied = await start(url, {}, AuthorizeResult.DENY);
    await request(denied.server).get('/api/cluster-health/clusters').set(user).expect(403);
    await request(denied.server).get('/api/cluster-health/clusters').set({ Authorization: mockCredentials.none.header() }).expect(401);
    await denied.stop();
    const allowed = await start(url);
    const res = await request(allowed.server).get('/api/cluster-health/clusters').set(user).expect(200);
    expect(res.body).toEqual([{ name: 'rke2-prod', title: 'Production' }]);
    await allowed.stop();
  });
});
