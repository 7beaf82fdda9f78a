import http from 'http';
import { AddressInfo } from 'net';

export type StubBehaviour =
  /** Answers like Prometheus, with the number of queries so far as the value. */
  | 'ok'
  /** Accepts the connection and never answers. */
  | 'slow'
  /** Sends the headers and never finishes the body. */
  | 'stalled-body'
  /** Answers this status and body. */
  | { status: number; body: unknown };

/** A loopback server speaking just enough of the Prometheus HTTP API to misbehave in every way. */
export class StubPrometheus {
  behaviour: StubBehaviour = 'ok';
  readonly requests: Array<{
    path: string;
    params: URLSearchParams;
    headers: http.IncomingHttpHeaders;
  }> = [];
  private queries = 0;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<StubPrometheus> {
    const server = http.createServer();
    const stub = new StubPrometheus(server);
    server.on('request', (req, res) => stub.answer(req, res));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    return stub;
  }

  get url() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops listening and drops open connections: from then on, connections are refused. */
  async close() {
    this.server.closeAllConnections();
    await new Promise(r => this.server.close(r));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({
      path: url.pathname,
      params: url.searchParams,
      headers: req.headers,
    });
    const behaviour = this.behaviour;
    if (behaviour === 'slow') return;
    if (behaviour === 'stalled-body') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":"succ');
      return;
    }
    if (behaviour !== 'ok') {
      const body =
        typeof behaviour.body === 'string'
          ? behaviour.body
          : JSON.stringify(behaviour.body);
      res
        .writeHead(behaviour.status, { 'Content-Type': 'application/json' })
        .end(body);
      return;
    }
    const now = Date.now() / 1000;
    let data: unknown;
    if (url.pathname === '/api/v1/query') {
      this.queries++;
      data = {
        resultType: 'vector',
        result: [
          { metric: { node: 'stub-1' }, value: [now, String(this.queries)] },
        ],
      };
    } else if (url.pathname === '/api/v1/query_range') {
      this.queries++;
      data = {
        resultType: 'matrix',
        result: [
          {
            metric: { instance: 'stub:9100' },
            values: [
              [now - 60, '0.25'],
              [now, String(this.queries)],
            ],
          },
        ],
      };
    } else if (url.pathname === '/api/v1/alerts') {
      data = {
        alerts: [
          {
            labels: { alertname: 'Slow', severity: 'info' },
            annotations: {},
            state: 'firing',
            activeAt: '2026-11-24T07:00:00Z',
            value: '1e+00',
          },
          {
            labels: { alertname: 'Pending', severity: 'critical' },
            annotations: {},
            state: 'pending',
            value: '1e+00',
          },
          {
            labels: { alertname: 'Broken', severity: 'critical' },
            annotations: { description: 'It broke' },
            state: 'firing',
            value: '1e+00',
          },
        ],
      };
    } else {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end('404 page not found');
      return;
    }
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ status: 'success', data }));
  }
}
