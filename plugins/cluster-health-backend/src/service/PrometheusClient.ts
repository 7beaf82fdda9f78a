import { ServiceUnavailableError } from '@backstage/errors';
import type {
  ClusterAlert,
  InstantSample,
  RangeSeries,
} from '@desktop-mania/plugin-cluster-health-common';

/** What the Prometheus HTTP API wraps every answer in. */
interface Envelope<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

type Sample = [number, string];
type QueryData =
  | {
      resultType: 'vector';
      result: Array<{ metric: Record<string, string>; value: Sample }>;
    }
  | { resultType: 'scalar'; result: Sample }
  | { resultType: 'matrix' | 'string'; result: unknown };
type RangeData = {
  resultType: string;
  result: Array<{ metric: Record<string, string>; values: Sample[] }>;
};
type AlertsData = {
  alerts: Array<{
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    state: 'firing' | 'pending' | 'inactive';
    activeAt?: string;
    value?: string;
  }>;
};

export interface PrometheusClientOptions {
  url: string;
  token?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** The config key of the URL, named in the message when nothing answers there. */
  configKey?: string;
}

// What the connection errors fetch reports mean, in words.
const REASONS = new Map([
  ['ECONNREFUSED', 'connection refused'],
  ['ECONNRESET', 'connection reset'],
  ['ENOTFOUND', 'host not found'],
  ['EAI_AGAIN', 'host name lookup failed'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['ETIMEDOUT', 'connection timed out'],
]);

const isLoopback = (hostname: string) =>
  hostname === 'localhost' ||
  hostname.endsWith('.localhost') ||
  hostname.startsWith('127.') ||
  hostname === '[::1]';

/**
 * One sentence: where Prometheus was asked, why it did not answer, and what
 * to do. A loopback URL is the start command's own Prometheus.
 */
function notAnswering(url: string, reason: string, configKey: string) {
  let hostname = '';
  try {
    hostname = new URL(url).hostname;
  } catch {
    // The config reader checked the URL; a bare client may get anything.
  }
  const fix = isLoopback(hostname)
    ? `start it (the start command, scripts/start.sh, does) or set ${configKey} to one that runs`
    : `check that it runs and that the portal can reach it, or set ${configKey} to one that does`;
  return `Prometheus at ${url} is not answering (${reason}): ${fix}`;
}

/**
 * Reads one Prometheus's HTTP API with a bounded wait. Every failure, whether
 * Prometheus is down, slow or answers an error, becomes a
 * ServiceUnavailableError whose message says which.
 */
export class PrometheusClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: PrometheusClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.headers = {
      Accept: 'application/json',
      ...options.headers,
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
    };
  }

  private async get<T>(
    path: string,
    params: Record<string, string> = {},
  ): Promise<T> {
    const query = new URLSearchParams(params).toString();
    const url = `${this.base}${path}${query ? `?${query}` : ''}`;
    let response: Response;
    let text: string;
    try {
      // The timeout covers the body too: a server may send headers and stall.
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      response = await fetch(url, { headers: this.headers, signal });
      text = await response.text();
    } catch (error) {
      const e = error as Error & {
        cause?: { code?: string; message?: string };
      };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new ServiceUnavailableError(
          `Prometheus did not answer within ${this.options.timeoutMs} ms`,
        );
      }
      const code = e.cause?.code;
      const reason =
        (code && (REASONS.get(code) ?? code)) || e.cause?.message || e.message;
      throw new ServiceUnavailableError(
        notAnswering(
          this.base,
          reason,
          this.options.configKey ?? "the cluster's prometheus.url",
        ),
      );
    }
    let body: Envelope<T> | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body?.status === 'error' || !response.ok) {
      const kind = body?.errorType ? ` ${body.errorType} error` : '';
      const detail = body?.error ?? (response.statusText || text.slice(0, 200));
      throw new ServiceUnavailableError(
        `Prometheus answered ${response.status}${kind}: ${detail}`,
      );
    }
    if (body?.status !== 'success' || body.data === undefined) {
      throw new ServiceUnavailableError(
        `Prometheus answered ${response.status} with something that is not its API`,
      );
    }
    return body.data;
  }

  private seconds(date: Date) {
    return (date.getTime() / 1000).toFixed(3);
  }

  private timeoutParam() {
    // Lets Prometheus stop evaluating once nobody waits for the answer.
    return `${Math.max(1, Math.ceil(this.options.timeoutMs / 1000))}s`;
  }

  async instant(query: string, time?: Date): Promise<InstantSample[]> {
    const data = await this.get<QueryData>('/api/v1/query', {
      query,
      timeout: this.timeoutParam(),
      ...(time ? { time: this.seconds(time) } : {}),
    });
    if (data.resultType === 'scalar') {
      return [{ labels: {}, value: Number(data.result[1]) }];
    }
    if (data.resultType !== 'vector') {
      throw new ServiceUnavailableError(
        `Prometheus answered a ${data.resultType} where a vector was expected`,
      );
    }
    return data.result.map(r => ({
      labels: r.metric,
      value: Number(r.value[1]),
    }));
  }

  async range(
    query: string,
    start: Date,
    end: Date,
    stepSeconds: number,
  ): Promise<RangeSeries[]> {
    const data = await this.get<RangeData>('/api/v1/query_range', {
      query,
      start: this.seconds(start),
      end: this.seconds(end),
      step: String(stepSeconds),
      timeout: this.timeoutParam(),
    });
    if (data.resultType !== 'matrix') {
      throw new ServiceUnavailableError(
        `Prometheus answered a ${data.resultType} where a matrix was expected`,
      );
    }
    return data.result.map(r => ({
      labels: r.metric,
      points: r.values.map(([t, v]): [number, number] => [t, Number(v)]),
    }));
  }

  /** The alerts that are firing now. */
  async firingAlerts(): Promise<ClusterAlert[]> {
    const data = await this.get<AlertsData>('/api/v1/alerts');
    return data.alerts
      .filter(a => a.state === 'firing')
      .map(a => ({
        name: a.labels.alertname ?? 'unnamed',
        severity: a.labels.severity ?? 'none',
        summary: a.annotations?.summary ?? a.annotations?.description,
        labels: a.labels,
        activeAt: a.activeAt,
        value: a.value,
      }));
  }
}
