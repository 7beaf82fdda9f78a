import { ServiceUnavailableError } from '@backstage/errors';
import type { InstantSample, RangeSeries, ClusterAlert } from '@desktop-mania/plugin-cluster-health-common';

interface PrometheusAnswer<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

/** Reads one Prometheus's HTTP API with a bounded wait. */
export class PrometheusClient {
  constructor(
    private readonly options: { url: string; token?: string; timeoutMs: number },
  ) {}

  private async get<T>(path: string, params: Record<string, string>): Promise<T> {
    const url = `${this.options.url.replace(/\/$/, '')}${path}?${new URLSearchParams(params)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {},
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const e = error as Error;
      throw new ServiceUnavailableError(
        e.name === 'TimeoutError'
          ? `Prometheus did not answer within ${this.options.timeoutMs} ms`
          : `Prometheus could not be reached: ${(e as any).cause?.message ?? e.message}`,
      );
    }
    let body: PrometheusAnswer<T> | undefined;
    try {
      body = (await response.json()) as PrometheusAnswer<T>;
    } catch {
      body = undefined;
    }
    if (!response.ok || body?.status !== 'success') {
      throw new ServiceUnavailableError(
        `Prometheus answered ${response.status}${body?.errorType ? ` (${body.errorType})` : ''}: ${body?.error ?? response.statusText}`,
      );
    }
    return body.data as T;
  }

  async instant(query: string, time?: Date): Promise<InstantSample[]> {
    const data = await this.get<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
      '/api/v1/query',
      { query, ...(time ? { time: String(time.getTime() / 1000) } : {}) },
    );
    if (data.resultType === 'scalar') {
      const [, v] = data.result as unknown as [number, string];
      return [{ labels: {}, value: Number(v) }];
    }
    return data.result.map(r => ({ labels: r.metric, value: Number(r.value[1]) }));
  }

  async range(query: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]> {
    const data = await this.get<{ result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
      '/api/v1/query_range',
      {
        query,
        start: String(start.getTime() / 1000),
        end: String(end.getTime() / 1000),
        step: String(stepSeconds),
      },
    );
    return data.result.map(r => ({ labels: r.metric, points: r.values.map(([t, v]) => [t, Number(v)]) }));
  }

  async alerts(): Promise<ClusterAlert[]> {
    const data = await this.get<{ alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; state: string; activeAt?: string }> }>(
      '/api/v1/alerts',
      {},
    );
    return data.alerts.map(a => ({
      name: a.labels.alertname ?? 'unnamed',
      severity: a.labels.severity ?? 'none',
      state: a.state,
      summary: a.annotations?.summary ?? a.annotations?.description,
      labels: a.labels,
      activeAt: a.activeAt,
    }));
  }
}
