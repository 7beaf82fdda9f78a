import http from 'http';
import https from 'https';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { KubeVirtCluster } from './clusters';

/** A Kubernetes `Status` error, as the API server answers it. */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Plain JSON requests to one API server, with the cluster's credentials and
 * TLS settings from its KubeConfig and a bounded wait.
 */
export class KubeClient {
  constructor(private readonly cluster: KubeVirtCluster) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const url = new URL(path, `${this.cluster.url}/`);
    const options: https.RequestOptions = {
      method,
      headers: { Accept: 'application/json' },
      timeout: this.cluster.timeoutMs,
    };
    await this.cluster.kubeConfig.applyToHTTPSOptions(options);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      (options.headers as Record<string, string>)['Content-Type'] = contentType;
    }
    const transport = url.protocol === 'http:' ? http : https;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = transport.request(url, options, res => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: data }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.cluster.timeoutMs} ms`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    }).catch(error => {
      throw new ServiceUnavailableError(
        `Cluster '${this.cluster.name}' could not be reached: ${(error as Error).message}`,
      );
    });
    if (status >= 200 && status < 300) {
      return (text ? JSON.parse(text) : undefined) as T;
    }
    let reason = '';
    let message = text;
    try {
      const parsed = JSON.parse(text);
      reason = parsed.reason ?? '';
      message = parsed.message ?? text;
    } catch {
      // not a Status object
    }
    throw new KubeApiError(status, reason, message || `HTTP ${status}`);
  }
}

/** Turns an API server refusal into the error the workspaces backend maps to a status. */
export function mapKubeError(error: unknown, what: string, cluster: string): Error {
  if (!(error instanceof KubeApiError)) return error as Error;
  switch (error.statusCode) {
    case 404:
      return new NotFoundError(`${what} was not found on cluster '${cluster}'`);
    case 409:
      return new ConflictError(`${what} already exists on cluster '${cluster}'`);
    case 401:
    case 403:
      return new NotAllowedError(
        `The portal's service account may not do this on cluster '${cluster}' (${error.message}); check its RBAC`,
      );
    case 400:
    case 422:
      return new Error(`Cluster '${cluster}' refused ${what}: ${error.message}`);
    default:
      return new ServiceUnavailableError(
        `Cluster '${cluster}' answered ${error.statusCode} for ${what}: ${error.message}`,
      );
  }
}
