import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import http from 'http';
import { AddressInfo } from 'net';
import request from 'supertest';
import { clusterHealthPlugin } from '../plugin';
import { warmPoolQueries, warmPoolRows } from './WarmPoolPanels';

/**
 * A loopback Prometheus answering each of the section's queries with series
 * shaped as the KubeVirt module exports them (`/api/v1/query` vector answers,
 * prometheus/prometheus web/api/v1/api.go).
 */
async function startPrometheus() {
  const queries: string[] = [];
  const q = warmPoolQueries('rke2-prod');
  const pool = { image: 'windows-11', size: 'large' };
  const series: Record<string, Array<[Record<string, string>, string]>> = {
    [q.members]: [
      [{ ...pool, state: 'ready' }, '2'],
      [{ ...pool, state: 'preparing' }, '1'],
    ],
    [q.target]: [[pool, '3']],
    [q.claims]: [[pool, '4.2']],
    [q.misses]: [[pool, '1.1']],
  };
  const server = http.createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams.get('query')!;
    queries.push(query);
    const now = Date.now() / 1000;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: (series[query] ?? []).map(([metric, value]) => ({
            metric,
            value: [now, value],
          })),
        },
      }),
    );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, queries, close: () => server.close() };
}

describe('warm pool section', () => {
  it('folds the answers into one row per pool', () => {
    expect(
      warmPoolRows({
        members: [
          { labels: { image: 'u', size: 'm', state: 'ready' }, value: 1 },
          { labels: { image: 'u', size: 'm', state: 'preparing' }, value: 2 },
        ],
        target: [{ labels: { image: 'u', size: 'm' }, value: 3 }],
        claims: [],
        misses: [{ labels: { image: 'w', size: 'l' }, value: 0.9 }],
      }),
    ).toEqual([
      {
        image: 'u',
        size: 'm',
        ready: 1,
        preparing: 2,
        target: 3,
        claimsLastHour: 0,
        missesLastHour: 0,
      },
      {
        image: 'w',
        size: 'l',
        ready: 0,
        preparing: 0,
        target: 0,
        claimsLastHour: 0,
        missesLastHour: 1,
      },
    ]);
  });

  it('serves the figures to those who may read cluster health, and no one else', async () => {
    const prometheus = await startPrometheus();
    const start = (result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) =>
      startTestBackend({
        features: [
          clusterHealthPlugin,
          // A request without credentials is anonymous, as in the real backend.
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          mockServices.permissions.factory({ result }),
          mockServices.rootConfig.factory({
            data: {
              clusterHealth: {
                cacheTtl: { seconds: 0 },
                clusters: [
                  { name: 'rke2-prod', prometheus: { url: prometheus.url } },
                ],
              },
            },
          }),
        ],
      });
    const user = {
      Authorization: mockCredentials.user.header('user:default/owner'),
    };
    const allowed = await start(AuthorizeResult.ALLOW);
    const denied = await start(AuthorizeResult.DENY);
    try {
      const res = await request(allowed.server)
        .get('/api/cluster-health/clusters/rke2-prod/warm-pool')
        .set(user)
        .expect(200);
      expect(res.body).toMatchObject({
        stale: false,
        pools: [
          {
            image: 'windows-11',
            size: 'large',
            ready: 2,
            preparing: 1,
            target: 3,
            claimsLastHour: 4,
            missesLastHour: 1,
          },
        ],
      });
      expect(
        prometheus.queries.every(q => q.includes('cluster="rke2-prod"')),
      ).toBe(true);
      await request(allowed.server)
        .get('/api/cluster-health/clusters/nowhere/warm-pool')
        .set(user)
        .expect(404);
      const asked = prometheus.queries.length;
      await request(denied.server)
        .get('/api/cluster-health/clusters/rke2-prod/warm-pool')
        .set(user)
        .expect(403);
      await request(allowed.server)
        .get('/api/cluster-health/clusters/rke2-prod/warm-pool')
        .expect(401);
      expect(prometheus.queries).toHaveLength(asked);
    } finally {
      await allowed.stop();
      await denied.stop();
      prometheus.close();
    }
  });
});
