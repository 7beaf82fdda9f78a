import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { mockServices } from '@backstage/backend-test-utils';
import { desk, testCluster } from './__testUtils__/fixtures';
import { NS, useApiServer } from './__testUtils__/apiServer';
import { vmiPayload } from './__testUtils__/payloads';
import { notFound } from './__testUtils__/refusals';
import {
  PROMETHEUS,
  prometheusHandler,
  VMI_SERIES,
} from './__testUtils__/prometheus';
import { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
import { readPrometheusTargets } from './vmiUsage';

const server = useApiServer();
const GiB = 2 ** 30;

const provider = (prometheus?: string) =>
  new KubeVirtWorkspaceProvider(
    [testCluster()],
    mockServices.logger.mock(),
    () => (prometheus ? { url: prometheus, timeoutMs: 2000 } : undefined),
  );

describe('what a KubeVirt desktop uses', () => {
  it('reads CPU, memory and disk from the VMI’s metrics in Prometheus', async () => {
    const queries: string[] = [];
    server.use(prometheusHandler(VMI_SERIES, queries));
    const usage = await provider(PROMETHEUS).usage(desk);
    expect(usage).toEqual({
      cpuCores: 0.75,
      memoryBytes: 1.5 * GiB,
      memoryLimitBytes: 4 * GiB,
      diskBytes: 9 * GiB + 6 * 2 ** 20,
      diskLimitBytes: 39 * GiB + 512 * 2 ** 20,
      at: expect.any(String),
    });
    expect(queries).toContain(
      'sum(rate(kubevirt_vmi_cpu_usage_seconds_total{namespace="workspaces",name="linux-desk"}[2m]))',
    );
    expect(queries).toHaveLength(5);
  });

  it('leaves out what the guest agent does not report', async () => {
    const {
      kubevirt_vmi_filesystem_used_bytes,
      kubevirt_vmi_filesystem_capacity_bytes,
      ...noAgent
    } = VMI_SERIES;
    server.use(prometheusHandler(noAgent));
    const usage = await provider(PROMETHEUS).usage(desk);
    expect(usage).toMatchObject({ cpuCores: 0.75, memoryBytes: 1.5 * GiB });
    expect(usage?.diskBytes).toBeUndefined();
  });

  it('says a desktop without an instance uses nothing, and one not scraped yet has no figures', async () => {
    server.use(
      prometheusHandler({}),
      http.get(`${NS}/virtualmachineinstances/linux-desk`, () =>
        HttpResponse.json(
          notFound('virtualmachineinstances', 'kubevirt.io', 'linux-desk'),
          { status: 404 },
        ),
      ),
    );
    expect(await provider(PROMETHEUS).usage(desk)).toBeUndefined();
    server.use(
      http.get(`${NS}/virtualmachineinstances/linux-desk`, () =>
        HttpResponse.json(vmiPayload('linux-desk', 'worker-1', '10.42.0.9')),
      ),
    );
    expect(await provider(PROMETHEUS).usage(desk)).toEqual({
      at: expect.any(String),
    });
  });

  it('says in one line that no Prometheus is configured', async () => {
    await expect(provider().usage(desk)).rejects.toMatchObject({
      name: 'NotImplementedError',
      message:
        "No Prometheus is configured for cluster 'rke2-test' (workspaces.kubevirt.prometheus.url)",
    });
  });

  it('says in one line when Prometheus fails', async () => {
    server.use(
      http.get(`${PROMETHEUS}/api/v1/query`, () =>
        HttpResponse.json(
          { status: 'error', errorType: 'timeout', error: 'query timed out' },
          { status: 503 },
        ),
      ),
    );
    await expect(provider(PROMETHEUS).usage(desk)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: `Prometheus at ${PROMETHEUS} did not answer: query timed out`,
    });
  });
});

describe('readPrometheusTargets', () => {
  it('takes a cluster’s own Prometheus over the shared one', () => {
    const of = readPrometheusTargets(
      new ConfigReader({
        workspaces: {
          kubevirt: {
            prometheus: { url: 'http://shared:9090/' },
            clusters: [
              { name: 'a', prometheus: { url: 'http://a:9090', token: 't' } },
              { name: 'b' },
            ],
          },
        },
      }),
    );
    expect(of('a')).toEqual({
      url: 'http://a:9090',
      token: 't',
      timeoutMs: 5000,
    });
    expect(of('b')?.url).toBe('http://shared:9090');
    expect(readPrometheusTargets(new ConfigReader({}))('a')).toBeUndefined();
  });
});
