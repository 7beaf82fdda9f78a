import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import {
  BASE,
  client,
  clusterHealthServer,
  notAllowed,
} from './__testUtils__/fixtures';

describe('ClusterHealthClient', () => {
  const server = clusterHealthServer();

  it('asks for named panels and ranges only, escaping names', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/*`, ({ request }) => {
        seen.push(request.url.replace(BASE, ''));
        return HttpResponse.json({});
      }),
    );
    await client.listClusters();
    await client.getOverview('rke2 prod');
    await client.getPanel('rke2-prod', 'nodesReady');
    await client.getChart('rke2-prod', 'cpuOverTime', '24h');
    await client.getAlerts('rke2-prod');
    expect(seen).toEqual([
      '/clusters',
      '/clusters/rke2%20prod/overview',
      '/clusters/rke2-prod/panels/nodesReady',
      '/clusters/rke2-prod/panels/cpuOverTime?range=24h',
      '/clusters/rke2-prod/alerts',
    ]);
  });

  it('turns an error answer into a ResponseError with the status and the backend message', async () => {
    server.use(http.get(`${BASE}/clusters`, notAllowed));
    const error = await client.listClusters().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause).toMatchObject({
      name: 'NotAllowedError',
      message: 'Cluster health is for platform owners',
    });
  });
});
