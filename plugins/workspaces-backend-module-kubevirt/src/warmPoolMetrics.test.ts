import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { WarmPoolMetrics } from './warmPoolMetrics';
import { API } from './__testUtils__/fixtures';
import { ALICE, startKubeVirtBackend } from './__testUtils__/backend';
import { spec } from './__testUtils__/fixtures';

const POOL = {
  key: 'windows-11.large',
  image: spec('windows').image,
  size: spec('windows').size,
  diskGi: 60,
  count: 2,
  running: false,
};

describe('warm pool metrics', () => {
  it('renders members, target, claims and misses in the text format', () => {
    const metrics = new WarmPoolMetrics();
    metrics.setPool('rke2-prod', POOL, 1, 1);
    metrics.claimed('rke2-prod', POOL);
    metrics.claimed('rke2-prod', POOL);
    metrics.missed('rke2-prod', POOL);
    const text = metrics.render();
    const labels = 'cluster="rke2-prod",image="windows-11",size="large"';
    expect(text).toContain(
      `desktopmania_warm_pool_members{${labels},state="ready"} 1`,
    );
    expect(text).toContain(`desktopmania_warm_pool_target{${labels}} 2`);
    expect(text).toContain(`desktopmania_warm_pool_claims_total{${labels}} 2`);
    expect(text).toContain(`desktopmania_warm_pool_misses_total{${labels}} 1`);
    expect(text).toContain(
      '# TYPE desktopmania_warm_pool_claims_total counter',
    );
  });

  it('serves them to the scrape token only', async () => {
    const backend = await startKubeVirtBackend({ url: API });
    try {
      const path = '/api/workspaces/kubevirt/warm-pool/metrics';
      const res = await request(backend.server)
        .get(path)
        .set({ Authorization: mockCredentials.service.header() })
        .expect(200);
      expect(res.type).toBe('text/plain');
      expect(res.text).toContain('# TYPE desktopmania_warm_pool_members gauge');
      await request(backend.server).get(path).set(ALICE).expect(403);
    } finally {
      await backend.stop();
    }
  }, 60_000);
});
