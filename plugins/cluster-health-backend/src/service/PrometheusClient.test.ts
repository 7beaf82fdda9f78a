import { ServiceUnavailableError } from '@backstage/errors';
import { StubPrometheus } from '../__testUtils__/StubPrometheus';
import { PrometheusClient } from './PrometheusClient';

describe('PrometheusClient', () => {
  let stub: StubPrometheus;
  beforeEach(async () => {
    stub = await StubPrometheus.start();
  });
  afterEach(() => stub.close());

  const client = (
    extra: Partial<ConstructorParameters<typeof PrometheusClient>[0]> = {},
  ) => new PrometheusClient({ url: `${stub.url}/`, timeoutMs: 300, ...extra });

  it('reads an instant vector, asking with the query, time and a timeout', async () => {
    const samples = await client().instant('up', new Date(1_700_000_000_500));
    expect(samples).toEqual([{ labels: { node: 'stub-1' }, value: 1 }]);
    expect(stub.requests[0].path).toBe('/api/v1/query');
    expect(Object.fromEntries(stub.requests[0].params)).toEqual({
      query: 'up',
      time: '1700000000.500',
      timeout: '1s',
    });
  });

  it('reads a scalar as one sample without labels', async () => {
    stub.behaviour = {
      status: 200,
      body: {
        status: 'success',
        data: { resultType: 'scalar', result: [1, '42'] },
      },
    };
    expect(await client().instant('scalar(vector(42))')).toEqual([
      { labels: {}, value: 42 },
    ]);
  });

  it('reads a range matrix with start, end and step', async () => {
    const series = await client().range(
      'up',
      new Date(1000_000),
      new Date(4600_000),
      15,
    );
    expect(series).toEqual([
      {
        labels: { instance: 'stub:9100' },
        points: [
          [expect.any(Number), 0.25],
          [expect.any(Number), 1],
        ],
      },
    ]);
    expect(Object.fromEntries(stub.requests[0].params)).toMatchObject({
      start: '1000.000',
      end: '4600.000',
      step: '15',
    });
  });

  it('keeps firing alerts only, with severity and summary', async () => {
    expect(await client().firingAlerts()).toEqual([
      {
        name: 'Slow',
        severity: 'info',
        summary: undefined,
        labels: { alertname: 'Slow', severity: 'info' },
        activeAt: '2026-11-24T07:00:00Z',
        value: '1e+00',
      },
      {
        name: 'Broken',
        severity: 'critical',
        summary: 'It broke',
        labels: { alertname: 'Broken', severity: 'critical' },
        activeAt: undefined,
        value: '1e+00',
      },
    ]);
  });

  it('sends the configured headers and bearer token', async () => {
    await client({
      token: 's3cret',
      headers: { 'X-Scope-OrgID': 'prod' },
    }).instant('up');
    expect(stub.requests[0].headers).toMatchObject({
      authorization: 'Bearer s3cret',
      'x-scope-orgid': 'prod',
    });
  });

  it.each([
    [
      400,
      'bad_data',
      'invalid parameter "query": 1:1: parse error: unexpected end of input',
    ],
    [
      422,
      'execution',
      'query processing would load too many samples into memory in query execution',
    ],
    [503, 'timeout', 'query timed out in expression evaluation'],
  ])(
    'turns a %i %s error into a ServiceUnavailableError saying so',
    async (status, errorType, error) => {
      stub.behaviour = { status, body: { status: 'error', errorType, error } };
      const failure = client().instant('up');
      await expect(failure).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(failure).rejects.toThrow(
        `Prometheus answered ${status} ${errorType} error: ${error}`,
      );
    },
  );

  it('says what came back when it is not the API, e.g. a proxy page', async () => {
    stub.behaviour = { status: 502, body: '<html>Bad Gateway</html>' };
    await expect(client().instant('up')).rejects.toThrow(
      'Prometheus answered 502: Bad Gateway',
    );
    stub.behaviour = { status: 200, body: '<html>login</html>' };
    await expect(client().instant('up')).rejects.toThrow(
      'Prometheus answered 200 with something that is not its API',
    );
  });

  it('refuses a result of the wrong type', async () => {
    stub.behaviour = {
      status: 200,
      body: {
        status: 'success',
        data: { resultType: 'string', result: [1, 'x'] },
      },
    };
    await expect(client().instant('"x"')).rejects.toThrow(
      'Prometheus answered a string where a vector was expected',
    );
  });

  it('gives up after the timeout when Prometheus does not answer', async () => {
    stub.behaviour = 'slow';
    const started = Date.now();
    await expect(client().instant('up')).rejects.toThrow(
      'Prometheus did not answer within 300 ms',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up after the timeout when the body never ends', async () => {
    stub.behaviour = 'stalled-body';
    await expect(client().instant('up')).rejects.toThrow(
      'Prometheus did not answer within 300 ms',
    );
  });

  it('says in one sentence what is missing and how to fix it when nothing listens', async () => {
    const url = stub.url;
    await stub.close();
    const failure = new PrometheusClient({
      url,
      timeoutMs: 1000,
      configKey: 'clusterHealth.clusters[0].prometheus.url',
    }).instant('up');
    await expect(failure).rejects.toBeInstanceOf(ServiceUnavailableError);
    const { message } = await failure.catch(e => e);
    expect(message).toBe(
      `Prometheus at ${url} is not answering (connection refused): start it (the start command, scripts/start.sh, does) or set clusterHealth.clusters[0].prometheus.url to one that runs`,
    );
    expect(message).not.toContain('\n');
  });

  it('names the config key, not the start command, for a Prometheus elsewhere', async () => {
    // What fetch rejects with when the host name does not resolve.
    const fetchSpy = jest.spyOn(global, 'fetch').mockRejectedValue(
      Object.assign(new TypeError('fetch failed'), {
        cause: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' },
      }),
    );
    try {
      await expect(
        new PrometheusClient({
          url: 'http://prometheus.monitoring.svc:9090',
          timeoutMs: 1000,
          configKey: 'clusterHealth.clusters[2].prometheus.url',
        }).instant('up'),
      ).rejects.toThrow(
        'Prometheus at http://prometheus.monitoring.svc:9090 is not answering (host not found): check that it runs and that the portal can reach it, or set clusterHealth.clusters[2].prometheus.url to one that does',
      );
    } finally {
      fetchSpy.mockRestore();
    }
  });
});
