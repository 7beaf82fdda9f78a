// Over 300 lines on purpose: the relay's hot path, its backpressure and the
// session's end are one closure, so their shared counters stay plain locals
// instead of fields read on every frame.
import type { IncomingMessage, Server } from 'http';
import type { Duplex } from 'stream';
import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { RequestHandler } from 'express';
import { WebSocket, WebSocketServer } from 'ws';
import {
  CONSOLE_CLOSE_CODES,
  CONSOLE_PROTOCOL,
  decodeConsoleTokenProtocol,
  workspaceConnectPermission,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { WorkspaceService } from '../service/WorkspaceService';
import type { WorkspaceMetrics } from '../service/WorkspaceMetrics';
import type { WorkspacesConfig } from '../service/WorkspacesConfig';

/** Above this many bytes queued towards the browser, reading from the desktop stops. */
export const HIGH_WATER_MARK = 1024 * 1024;
const KEEPALIVE_MS = 20_000;
// RFB client messages are tiny except clipboard text; this bounds a hostile frame.
const MAX_FRAME = 4 * 1024 * 1024;

class UpgradeRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

function refuse(socket: Duplex, status: number, message: string) {
  const body = JSON.stringify({ error: { message } });
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
    () => socket.destroy(),
  );
}

interface Session {
  ws: WebSocket;
  actor: string;
  close(code: number, reason: string): void;
}

/**
 * Relays a desktop's RFB stream to the browser over an authenticated
 * websocket. Browsers cannot set headers on websockets, so the Backstage token
 * travels as a subprotocol and never in the URL.
 */
export class ConsoleProxy {
  private readonly wss: WebSocketServer;
  private readonly servers = new Set<Server>();
  private readonly sessions = new Set<Session>();
  private readonly consolePath: RegExp;

  constructor(
    private readonly options: {
      basePath: string;
      service: WorkspaceService;
      auth: AuthService;
      metrics: WorkspaceMetrics;
      logger: LoggerService;
      config: WorkspacesConfig['console'];
    },
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: MAX_FRAME,
      handleProtocols: protocols =>
        protocols.has(CONSOLE_PROTOCOL) ? CONSOLE_PROTOCOL : false,
    });
    const base = options.basePath.replace(/\/$/, '');
    this.consolePath = new RegExp(
      `^${base.replace(
        /[.*+?^${}()|[\]\\]/g,
        '\\$&',
      )}/workspaces/([^/]+)/console$`,
    );
  }

  /**
   * There is no upgrade hook on the HTTP router, so the proxy listens on the
   * server the first request to this plugin arrived on.
   */
  readonly middleware: RequestHandler = (req, _res, next) => {
    const server = (req.socket as unknown as { server?: Server }).server;
    if (server && !this.servers.has(server)) {
      this.servers.add(server);
      server.on('upgrade', this.handleUpgrade);
    }
    next();
  };

  async shutdown() {
    for (const server of this.servers)
      server.off('upgrade', this.handleUpgrade);
    for (const session of [...this.sessions]) {
      session.close(1001, 'The portal is shutting down');
    }
  }

  readonly handleUpgrade = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = this.consolePath.exec(url.pathname);
    // Other plugins listen for upgrades on the same server.
    if (!match) return;
    socket.on('error', () => socket.destroy());
    this.accept(req, socket, head, decodeURIComponent(match[1]), url).catch(
      error => {
        const status =
          error instanceof UpgradeRefusal ? error.status : statusOf(error);
        if (status >= 500) {
          this.options.logger.error('Console upgrade failed', error);
        }
        refuse(socket, status, error.message);
      },
    );
  };

  private async accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    name: string,
    url: URL,
  ) {
    const origin = req.headers.origin;
    if (!origin || !this.options.config.allowedOrigins.includes(origin)) {
      throw new UpgradeRefusal(
        403,
        `Origin '${origin ?? '(none)'}' may not open consoles`,
      );
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map(p => p.trim());
    if (!offered.includes(CONSOLE_PROTOCOL)) {
      throw new UpgradeRefusal(
        400,
        `The console speaks the '${CONSOLE_PROTOCOL}' subprotocol only`,
      );
    }
    const token = offered
      .map(decodeConsoleTokenProtocol)
      .find(t => t !== undefined);
    if (!token) throw new UpgradeRefusal(401, 'Sign in to open the console');
    let credentials: BackstageCredentials;
    try {
      credentials = await this.options.auth.authenticate(token);
    } catch {
      throw new UpgradeRefusal(401, 'Your sign-in is not valid; sign in again');
    }
    if (!this.options.auth.isPrincipal(credentials, 'user')) {
      throw new UpgradeRefusal(403, 'Consoles are for people, not services');
    }
    const record = await this.options.service.authorizeRecord(
      name,
      workspaceConnectPermission,
      credentials,
    );
    const actor = credentials.principal.userEntityRef;
    const held = [...this.sessions].filter(s => s.actor === actor).length;
    if (held >= this.options.config.maxSessionsPerUser) {
      throw new UpgradeRefusal(
        429,
        `You have ${held} console sessions open; close one first (limit ${this.options.config.maxSessionsPerUser})`,
      );
    }
    const takeover = url.searchParams.get('takeover') === 'true';
    this.wss.handleUpgrade(req, socket, head, ws => {
      this.relay(ws, record, actor, takeover).catch(error =>
        this.options.logger.error('Console relay failed', error),
      );
    });
  }

  private async relay(
    ws: WebSocket,
    record: WorkspaceRecord,
    actor: string,
    takeover: boolean,
  ) {
    const { service, metrics, config, logger } = this.options;
    const started = Date.now();
    const opened = await service.openConsole(record, actor, {
      preserveSession: !takeover,
    });
    // Settled here so a refusal is handled below, after the session exists.
    opened.stream.catch(() => {});
    let bytesToDesktop = 0;
    let bytesFromDesktop = 0;
    let upstream: Duplex | undefined;
    let finished = false;
    let lastInput = Date.now();
    const timers: NodeJS.Timeout[] = [];
    // Counted in plain numbers on the hot path, handed to Prometheus in batches.
    let countedTo = 0;
    let countedFrom = 0;
    const flushByteCounts = () => {
      metrics.bytesRelayed.inc(
        { direction: 'to_desktop' },
        bytesToDesktop - countedTo,
      );
      metrics.bytesRelayed.inc(
        { direction: 'from_desktop' },
        bytesFromDesktop - countedFrom,
      );
      countedTo = bytesToDesktop;
      countedFrom = bytesFromDesktop;
    };

    // Nothing from the browser is read until the desktop answers.
    ws.pause();
    // close is bound once finish exists below.
    const session: Session = { ws, actor, close: () => {} };
    const finish = (code: number, reason: string) => {
      if (finished) return;
      finished = true;
      timers.forEach(t => clearInterval(t));
      this.sessions.delete(session);
      metrics.sessionsActive.dec();
      metrics.sessionsTotal.inc({
        outcome: code === 1000 || code === 1001 ? 'normal' : String(code),
      });
      metrics.sessionDuration.observe((Date.now() - started) / 1000);
      flushByteCounts();
      upstream?.destroy();
      if (
        ws.readyState === WebSocket.OPEN ||
        ws.readyState === WebSocket.CONNECTING
      ) {
        // The closing handshake needs the browser's close frame read.
        ws.resume();
        ws.close(code, reason.slice(0, 120));
      }
      service
        .closeConsole(record, actor, opened.sessionId, {
          bytesToDesktop,
          bytesFromDesktop,
          closeCode: code,
          closeReason: reason,
          seconds: Math.round((Date.now() - started) / 1000),
        })
        .catch(error =>
          logger.error('Could not record the end of a console session', error),
        );
    };
    session.close = finish;
    this.sessions.add(session);
    metrics.sessionsActive.inc();

    ws.on('close', (code, reason) =>
      finish(
        code === 1005 ? 1000 : code,
        reason.toString() || 'closed by the browser',
      ),
    );
    ws.on('error', error => finish(1011, error.message));

    try {
      upstream = await opened.stream;
    } catch (error) {
      const e = error as Error;
      const code = closeCodeFor(e);
      finish(code, e.message);
      return;
    }
    if (finished) {
      upstream.destroy();
      return;
    }

    // Draining everything buffered at once sends fewer, larger frames.
    let waiting = false;
    function pump() {
      for (;;) {
        if (waiting) return;
        const chunk: Buffer | null = upstream!.read();
        if (chunk === null) return;
        bytesFromDesktop += chunk.length;
        if (ws.bufferedAmount + chunk.length <= HIGH_WATER_MARK) {
          ws.send(chunk);
        } else {
          // A slow browser slows the desktop instead of growing memory:
          // reading resumes once this chunk has reached the browser's socket.
          waiting = true;
          ws.send(chunk, resume);
        }
      }
    }
    function resume() {
      waiting = false;
      if (!finished) pump();
    }
    upstream.on('readable', pump);
    upstream.on('end', () => finish(1000, 'The desktop closed the connection'));
    upstream.on('close', () =>
      finish(1000, 'The desktop closed the connection'),
    );
    upstream.on('error', error =>
      finish(
        CONSOLE_CLOSE_CODES.upstreamFailed,
        `Desktop connection failed: ${error.message}`,
      ),
    );

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        finish(1003, 'The console accepts binary RFB frames only');
        return;
      }
      lastInput = Date.now();
      bytesToDesktop += data.length;
      if (!upstream!.write(data)) {
        ws.pause();
        upstream!.once('drain', () => ws.resume());
      }
    });
    ws.resume();

    timers.push(
      setInterval(() => {
        flushByteCounts();
        if (Date.now() - lastInput > config.idleTimeoutMs) {
          finish(
            CONSOLE_CLOSE_CODES.idle,
            'Closed after a period without input',
          );
        } else if (ws.readyState === WebSocket.OPEN) {
          // Proxies and the API server drop quiet websockets.
          ws.ping();
        }
      }, Math.min(KEEPALIVE_MS, config.idleTimeoutMs)).unref(),
    );
  }
}

function closeCodeFor(error: Error): number {
  switch (error.name) {
    case 'ConsoleInUseError':
      return CONSOLE_CLOSE_CODES.inUse;
    case 'ConflictError':
      return CONSOLE_CLOSE_CODES.notRunning;
    case 'NotFoundError':
      return CONSOLE_CLOSE_CODES.notFound;
    default:
      return CONSOLE_CLOSE_CODES.upstreamFailed;
  }
}

function statusOf(error: Error): number {
  switch (error.name) {
    case 'NotFoundError':
      return 404;
    case 'NotAllowedError':
      return 403;
    case 'AuthenticationError':
      return 401;
    case 'InputError':
      return 400;
    default:
      return 500;
  }
}
