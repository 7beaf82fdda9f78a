import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { INSTANT_PANELS } from '@desktop-mania/plugin-cluster-health-common';
import request from 'supertest';
import { clusterHealthPlugin } from './plugin';
import { StubPrometheus } from './__testUtils__/StubPrometheus';

const user = {
  Authorization: mockCredentials.user.header('user:default/platform-owner'),
};

async function startBackend(
  url: string,
  options: {
    result?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    clusterHealth?: object;
  } = {},
) {
  const backend = await startTestBackend({
    features: [
      clusterHealthPlugin,
      // A request without credentials is anonymous, as in the real backend.
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.permissions.factory({
        result: options.result ?? AuthorizeResult.ALLOW,
      }),
      mockServices.rootConfig.factory({
        data: {
          clusterHealth: {
            // Every request asks Prometheus, so each test sees the state it sets up.
            cacheTtl: { seconds: 0 },
            timeout: { milliseconds: 300 },
            clusters: [
              {
                name: 'rke2-prod',
                title: 'Production',
                entityRef: 'resource:default/rke2-prod',
                prometheus: { url },
              },
              { name: 'lab', prometheus: { url: 'http://127.0.0.1:9' } },
            ],
            ...options.clusterHealth,
          },
        },
      }),
    ],
  });
  const get = (path: string) =>
    request(backend.server).get(`/api/cluster-health${path}`).set(user);
  return { backend, get };
}

describe('cluster-health backend', () => {
  let stub: StubPrometheus;
  let backend: Awaited<ReturnType<typeof startBackend>>['backend'];
  let get: Awaited<ReturnType<typeof startBackend>>['get'];

  beforeEach(async () => {
    stub = await StubPrometheus.start();
    ({ backend, get } = await startBackend(stub.url));
  });
  afterEach(async () => {
    await backend.stop();
    await stub.close();
  });

  describe('access', () => {
    it('answers people the policy allows', async () => {
      const res = await get('/clusters').expect(200);
      expect(res.body).toEqual([
        {
          name: 'rke2-prod',
          title: 'Production',
          entityRef: 'resource:default/rke2-prod',
        },
        { name: 'lab', title: 'lab' },
      ]);
    });

    it('turns away anonymous callers with 401 before asking Prometheus', async () => {
      for (const path of [
        '/clusters',
        '/clusters/rke2-prod/overview',
        '/clusters/rke2-prod/panels/nodesReady',
        '/clusters/rke2-prod/alerts',
      ]) {
        await request(backend.server)
          .get(`/api/cluster-health${path}`)
          .expect(401);
        await request(backend.server)
          .get(`/api/cluster-health${path}`)
          .set({ Authorization: mockCredentials.none.header() })
          .expect(401);
      }
      expect(stub.requests).toHaveLength(0);
    });

    it('turns away people the policy denies with 403 on every route', async () => {
      const denied = await startBackend(stub.url, {
        result: AuthorizeResult.DENY,
      });
      for (const path of [
        '/clusters',
        '/clusters/rke2-prod/overview',
        '/clusters/rke2-prod/panels/cpuOverTime?range=1h',
        '/clusters/rke2-prod/alerts',
      ]) {
        const res = await denied.get(path).expect(403);
        expect(res.body.error).toMatchObject({
          name: 'NotAllowedError',
          message: 'Cluster health is for platform owners',
        });
      }
      expect(stub.requests).toHaveLength(0);
      await denied.backend.stop();
    });
  });

  describe('input', () => {
    it.each([
      [
        '/clusters/mars/overview',
        404,
        'NotFoundError',
        "No cluster named 'mars' is configured",
      ],
      [
        '/clusters/mars/alerts',
        404,
        'NotFoundError',
        "No cluster named 'mars' is configured",
      ],
      [
        '/clusters/rke2-prod/panels/up%7Bjob%3D%22apiserver%22%7D',
        404,
        'NotFoundError',
        'No panel named \'up{job="apiserver"}\'',
      ],
      [
        '/clusters/rke2-prod/panels/cpuOverTime?range=2y',
        400,
        'InputError',
        'range',
      ],
      [
        '/clusters/rke2-prod/panels/cpuOverTime?range=1h&range=6h',
        400,
        'InputError',
        'range',
      ],
      [
        '/clusters/rke2-prod/panels/cpuOverTime?query=up',
        400,
        'InputError',
        'query',
      ],
      [
        '/clusters/rke2-prod/panels/cpuOverTime',
        400,
        'InputError',
        "'cpuOverTime' is a chart; ask for it with a range",
      ],
      [
        '/clusters/rke2-prod/panels/nodesReady?range=1h',
        400,
        'InputError',
        "'nodesReady' has a current value only",
      ],
      ['/clusters/rke2-prod/overview?query=up', 400, 'InputError', 'query'],
    ])('GET %s answers %i', async (path, status, name, message) => {
      const res = await get(path).expect(status);
      expect(res.body.error.name).toBe(name);
      expect(res.body.error.message).toContain(message);
      expect(stub.requests).toHaveLength(0);
    });
  });

  describe('answers', () => {
    it('answers an instant panel with its title and unit', async () => {
      const res = await get('/clusters/rke2-prod/panels/nodesReady').expect(
        200,
      );
      expect(res.body).toEqual({
        panel: 'nodesReady',
        title: 'Node readiness',
        unit: 'count',
        data: [{ labels: { node: 'stub-1' }, value: 1 }],
        fetchedAt: expect.any(String),
        stale: false,
      });
      expect(stub.requests[0].params.get('query')).toContain(
        'kube_node_status_condition',
      );
    });

    it('asks for a chart over the range in whole steps of about 240 points', async () => {
      const res = await get(
        '/clusters/rke2-prod/panels/cpuOverTime?range=6h',
      ).expect(200);
      expect(res.body).toMatchObject({
        panel: 'cpuOverTime',
        range: '6h',
        step: 90,
        unit: 'ratio',
        stale: false,
      });
      const params = stub.requests[0].params;
      expect(Number(params.get('end')) - Number(params.get('start'))).toBe(
        6 * 3600,
      );
      expect(Number(params.get('end')) % 90).toBe(0);
      expect(params.get('step')).toBe('90');
    });

    it('answers every instant panel in the overview', async () => {
      const res = await get('/clusters/rke2-prod/overview').expect(200);
      expect(Object.keys(res.body.panels).sort()).toEqual(
        [...INSTANT_PANELS].sort(),
      );
      expect(stub.requests).toHaveLength(INSTANT_PANELS.length);
    });

    it('lists firing alerts, most severe first', async () => {
      const res = await get('/clusters/rke2-prod/alerts').expect(200);
      expect(res.body.data.map((a: any) => [a.name, a.severity])).toEqual([
        ['Broken', 'critical'],
        ['Slow', 'info'],
      ]);
    });

    it('reuses answers for the configured TTL', async () => {
      const cached = await startBackend(stub.url, {
        clusterHealth: { cacheTtl: { minutes: 1 } },
      });
      const first = await cached
        .get('/clusters/rke2-prod/panels/consoleSessions')
        .expect(200);
      const second = await cached
        .get('/clusters/rke2-prod/panels/consoleSessions')
        .expect(200);
      expect(second.body).toEqual(first.body);
      expect(stub.requests).toHaveLength(1);
      await cached.backend.stop();
    });

    it('runs the query configured for a panel instead of the default', async () => {
      const custom = await startBackend(stub.url, {
        clusterHealth: {
          panels: { consoleSessions: { query: 'sum(my_sessions)' } },
        },
      });
      await custom
        .get('/clusters/rke2-prod/panels/consoleSessions')
        .expect(200);
      expect(stub.requests[0].params.get('query')).toBe('sum(my_sessions)');
      await custom.backend.stop();
    });
  });

  // The documented states: fresh, stale with the last good answer, or 503.
  describe('when Prometheus fails', () => {
    const failures: Array<
      [string, (s: StubPrometheus) => Promise<void> | void, RegExp]
    > = [
      [
        'is down',
        s => s.close(),
        /^Prometheus at http:\/\/127\.0\.0\.1:\d+ is not answering \(connection refused\): start it \(the start command, scripts\/start\.sh, does\) or set clusterHealth\.clusters\[0\]\.prometheus\.url to one that runs$/,
      ],
      [
        'is slow',
        s => void (s.behaviour = 'slow'),
        /^Prometheus did not answer within 300 ms$/,
      ],
      [
        'answers 400',
        s =>
          void (s.behaviour = {
            status: 400,
            body: {
              status: 'error',
              errorType: 'bad_data',
              error: 'invalid parameter "query": parse error',
            },
          }),
        /^Prometheus answered 400 bad_data error: invalid parameter "query": parse error$/,
      ],
      [
        'answers 422',
        s =>
          void (s.behaviour = {
            status: 422,
            body: {
              status: 'error',
              errorType: 'execution',
              error: 'query processing would load too many samples',
            },
          }),
        /^Prometheus answered 422 execution error: query processing would load too many samples$/,
      ],
      [
        'answers 503',
        s =>
          void (s.behaviour = {
            status: 503,
            body: {
              status: 'error',
              errorType: 'timeout',
              error: 'query timed out in query execution',
            },
          }),
        /^Prometheus answered 503 timeout error: query timed out in query execution$/,
      ],
    ];

    it.each(failures)(
      'and %s, serves the last good answer marked stale with its time and the error',
      async (_what, fail, message) => {
        const good = await get(
          '/clusters/rke2-prod/panels/consoleSessions',
        ).expect(200);
        const goodChart = await get(
          '/clusters/rke2-prod/panels/consoleSessionsOverTime?range=1h',
        ).expect(200);
        const goodAlerts = await get('/clusters/rke2-prod/alerts').expect(200);
        await fail(stub);

        const res = await get(
          '/clusters/rke2-prod/panels/consoleSessions',
        ).expect(200);
        expect(res.body).toEqual({
          ...good.body,
          stale: true,
          error: expect.stringMatching(message),
        });
        const chart = await get(
          '/clusters/rke2-prod/panels/consoleSessionsOverTime?range=1h',
        ).expect(200);
        expect(chart.body).toEqual({
          ...goodChart.body,
          stale: true,
          error: expect.stringMatching(message),
        });
        const alerts = await get('/clusters/rke2-prod/alerts').expect(200);
        expect(alerts.body).toEqual({
          ...goodAlerts.body,
          stale: true,
          error: expect.stringMatching(message),
        });
      },
    );

    it.each(failures)(
      'and %s with no good answer yet, answers 503 with the reason',
      async (_what, fail, message) => {
        await fail(stub);
        for (const path of [
          '/clusters/rke2-prod/panels/consoleSessions',
          '/clusters/rke2-prod/panels/cpuOverTime?range=7d',
          '/clusters/rke2-prod/alerts',
          '/clusters/rke2-prod/overview',
        ]) {
          const res = await get(path).expect(503);
          expect(res.body.error.name).toBe('ServiceUnavailableError');
          expect(res.body.error.message).toMatch(message);
        }
      },
    );

    it('answers 503 with one sentence naming the config key when nothing listens at the URL', async () => {
      const url = stub.url;
      await stub.close();
      const second = await startBackend(url, {
        clusterHealth: {
          clusters: [
            { name: 'lab', prometheus: { url: 'http://127.0.0.1:9' } },
            { name: 'local', prometheus: { url } },
          ],
        },
      });
      const res = await second.get('/clusters/local/overview').expect(503);
      expect(res.body.error).toMatchObject({
        name: 'ServiceUnavailableError',
        message: `Prometheus at ${url} is not answering (connection refused): start it (the start command, scripts/start.sh, does) or set clusterHealth.clusters[1].prometheus.url to one that runs`,
      });
      await second.backend.stop();
    });

    it('reports failed panels in place when only some of the overview fails', async () => {
      await get('/clusters/rke2-prod/panels/nodesReady').expect(200);
      stub.behaviour = 'slow';
      const res = await get('/clusters/rke2-prod/overview').expect(200);
      expect(res.body.panels.nodesReady).toMatchObject({
        stale: true,
        data: [{ value: 1 }],
        error: 'Prometheus did not answer within 300 ms',
      });
      expect(res.body.panels.podsByPhase).toEqual({
        panel: 'podsByPhase',
        title: 'Pods by phase',
        unit: 'count',
        stale: false,
        error: 'Prometheus did not answer within 300 ms',
      });
    });

    it('answers fresh again once Prometheus is back', async () => {
      stub.behaviour = 'slow';
      await get('/clusters/rke2-prod/panels/consoleSessions').expect(503);
      stub.behaviour = 'ok';
      const res = await get(
        '/clusters/rke2-prod/panels/consoleSessions',
      ).expect(200);
      expect(res.body).toMatchObject({ stale: false });
      expect(res.body.error).toBeUndefined();
    });
  });
});
