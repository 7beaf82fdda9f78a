// Over 300 lines on purpose: the relay's hot path, its backpressure and the
// session's end are one closure, so their shared counters stay plain locals
// instead of fields read on every frame.
import type { IncomingMessage, Server } from 'http';
import type { Duplex } from 'stream';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type { RequestHandler } from 'express';
import { WebSocket, WebSocketServer } from 'ws';
import {
  CONSOLE_CLOSE_CODES,
  CONSOLE_PROTOCOL,
  decodeConsoleTokenProtocol,
  isConsoleInputFrame,
  parseConsoleDisplay,
  parseConsolePing,
  type ConsoleDisplay,
  type ConsoleDisplayMessage,
  type ConsolePong,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { WorkspaceService } from '../service/WorkspaceService';
import type { WorkspaceMetrics } from '../service/WorkspaceMetrics';
import type { WorkspacesConfig } from '../service/WorkspacesConfig';
import { RfbClientFilter } from './rfbClientFilter';
import { relayToBrowser, type RelayToBrowser } from './relay';
import {
  admitToConsole,
  closeCodeFor,
  ConsoleRefusal,
} from './consoleAdmission';
import type { SessionLeases } from './SessionLeases';
import type {
  SessionRecorder,
  SessionRecording,
} from '../recording/SessionRecorder';
import {
  refuseUpgrade,
  UpgradeDispatcher,
  type UpgradeHandler,
} from './UpgradeDispatcher';

/** Above this many bytes queued towards the browser, reading from the desktop stops. */
export const HIGH_WATER_MARK = 1024 * 1024;
const KEEPALIVE_MS = 20_000;
// A desktop in use is never idle for housekeeping, however long the session.
const ACTIVITY_MS = 60_000;
// RFB client messages are tiny except clipboard text; this bounds a hostile frame.
const MAX_FRAME = 4 * 1024 * 1024;

class UpgradeRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

interface Session {
  ws: WebSocket;
  actor: string;
  workspace: string;
  close(code: number, reason: string): void;
}

/**
 * Relays a desktop's RFB stream to the browser over an authenticated
 * websocket. Browsers cannot set headers on websockets, so the Backstage token
 * travels as a subprotocol and never in the URL.
 */
export class ConsoleProxy {
  private readonly wss: WebSocketServer;
  /** The servers this proxy claimed paths on, with how to let them go. */
  private readonly servers = new Map<Server, () => void>();
  private readonly sessions = new Set<Session>();
  private readonly consolePath: RegExp;
  private readonly workspacesPrefix: string;

  constructor(
    private readonly options: {
      basePath: string;
      service: WorkspaceService;
      auth: AuthService;
      metrics: WorkspaceMetrics;
      logger: LoggerService;
      config: WorkspacesConfig['console'];
      /** Seats shared with the other replicas, so the limit holds across them. */
      leases: SessionLeases;
      /** Records sessions on the desktops `workspaces.recording` names. */
      recorder?: SessionRecorder;
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
    this.workspacesPrefix = `${base}/workspaces/`;
    this.consolePath = new RegExp(
      `^${base.replace(
        /[.*+?^${}()|[\]\\]/g,
        '\\$&',
      )}/workspaces/([^/]+)/console$`,
    );
  }

  /**
   * There is no upgrade hook on the HTTP router, so the proxy claims its
   * paths on the server that requests to this plugin arrive on. The plugin
   * sends itself one request at startup, so this happens before anyone
   * opens a console.
   */
  readonly middleware: RequestHandler = (req, _res, next) => {
    const server = (req.socket as unknown as { server?: Server }).server;
    if (server && !this.servers.has(server)) {
      this.servers.set(
        server,
        UpgradeDispatcher.of(server).claim(
          this.workspacesPrefix,
          this.handleUpgrade,
        ),
      );
    }
    next();
  };

  /** Whether the proxy has claimed its paths on a server yet. */
  readonly isAttached = () => this.servers.size > 0;

  /** Console sessions open on a desktop through this backend instance. */
  viewersOf(workspace: string): number {
    let viewers = 0;
    for (const session of this.sessions) {
      if (session.workspace === workspace) viewers += 1;
    }
    return viewers;
  }

  async shutdown() {
    for (const release of this.servers.values()) release();
    for (const session of [...this.sessions]) {
      session.close(1001, 'The portal is shutting down');
    }
    this.options.leases.stop();
    // What recordings queued reaches the disk before the process ends.
    await this.options.recorder?.drain();
  }

  private readonly handleUpgrade: UpgradeHandler = (
    req,
    socket,
    head,
    pathname,
  ) => {
    const match = this.consolePath.exec(pathname);
    if (!match) {
      refuseUpgrade(socket, 404, 'Nothing accepts websockets at this path');
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(match[1]);
    } catch {
      refuseUpgrade(socket, 400, 'The desktop name in the path is malformed');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      this.accept(req, socket, head, name, url);
    } catch (error) {
      assertError(error);
      const status = error instanceof UpgradeRefusal ? error.status : 500;
      if (status >= 500) {
        this.options.logger.error('Console upgrade failed', error);
      }
      refuseUpgrade(socket, status, error.message);
    }
  };

  /**
   * Refuses with an HTTP status only what a browser page of the portal never
   * sends (a foreign origin, no console subprotocol). Everything else is
   * accepted first and then closed with one of the portal's close codes, so
   * the Desktop tab can read why.
   */
  private accept(
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
    const takeover = url.searchParams.get('takeover') === 'true';
    const display =
      parseConsoleDisplay(url.searchParams.get('display')) ?? 'desktop';
    this.wss.handleUpgrade(req, socket, head, ws => {
      // Nothing from the browser is read until the desktop answers.
      ws.pause();
      admitToConsole({ ...this.options, ws }, name, token)
        .then(({ record, actor, seat, release, viewOnly, mayTakeOver }) =>
          this.relay(
            ws,
            socket,
            record,
            actor,
            takeover && mayTakeOver,
            seat,
            release,
            display,
            viewOnly,
          ),
        )
        .catch(error => {
          assertError(error);
          // The closing handshake needs the browser's close frame read.
          ws.resume();
          if (error instanceof ConsoleRefusal) {
            ws.close(error.code, error.message.slice(0, 120));
            return;
          }
          this.options.logger.error('Console relay failed', error);
          ws.close(1011, 'The console could not be opened');
        });
    });
  }

  private async relay(
    ws: WebSocket,
    /** The browser's socket under `ws`. */
    browserSocket: Duplex,
    record: WorkspaceRecord,
    actor: string,
    takeover: boolean,
    seat: number,
    release: () => void,
    display: ConsoleDisplay = 'desktop',
    viewOnly = false,
  ) {
    const { service, metrics, config, logger, leases } = this.options;
    const started = Date.now();
    let opened: Awaited<ReturnType<WorkspaceService['openConsole']>>;
    try {
      // Viewers relayed by other replicas close there within a heartbeat.
      if (takeover) await leases.revokeOthers(record.name, seat);
      opened = await service.openConsole(
        record,
        actor,
        { preserveSession: !takeover, display },
        seat,
      );
    } catch (error) {
      release();
      throw error;
    }
    // Settled here so a refusal is handled below, after the session exists.
    opened.stream.catch(() => {});
    let bytesToDesktop = 0;
    let bytesFromDesktop = 0;
    let upstream: Duplex | undefined;
    // Set once the relay starts; finish flushes it.
    let toBrowser: RelayToBrowser | undefined = undefined;
    let finished = false;
    // Set once the relay starts; finish and pongs read it before then too.
    let recording: SessionRecording | undefined = undefined;
    let lastInput = Date.now();
    const timers: NodeJS.Timeout[] = [];
    let idleTimer: NodeJS.Timeout | undefined;
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

    // close is bound once finish exists below.
    const session: Session = {
      ws,
      actor,
      workspace: record.name,
      close: () => {},
    };
    const finish = (code: number, reason: string) => {
      if (finished) return;
      finished = true;
      release();
      timers.forEach(t => clearInterval(t));
      clearTimeout(idleTimer);
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
        // What the desktop sent before it ended reaches the browser first.
        toBrowser?.flush();
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
          recording: recording?.finish(),
        })
        .catch(error =>
          logger.error('Could not record the end of a console session', error),
        );
    };
    session.close = finish;
    this.sessions.add(session);
    leases.track(seat, record.name, finish);
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
    // Which display it is, and why not the desktop's own if that one did
    // not answer; resolved already, read before the check below.
    const shown = (await opened.stream).consoleDisplay;
    if (finished) {
      upstream.destroy();
      return;
    }
    // The browser learns it before any RFB. A provider with one display
    // says nothing, and the stream stays RFB only, as clients before the
    // display switch expect.
    if (shown) {
      const displayMessage: ConsoleDisplayMessage = {
        type: 'display',
        display: shown.display,
        ...(shown.fallback && { fallback: shown.fallback.slice(0, 150) }),
        ...(shown.displays && { displays: shown.displays }),
      };
      ws.send(JSON.stringify(displayMessage));
    }

    // From the desktop's first byte on, as the browser receives it.
    recording = this.options.recorder?.start({
      workspace: record.name,
      owner: record.owner,
      image: record.image,
      actor,
      consoleSessionId: opened.sessionId,
    });

    toBrowser = relayToBrowser({
      upstream,
      ws,
      socket: browserSocket,
      highWaterMark: HIGH_WATER_MARK,
      onChunk: chunk => {
        bytesFromDesktop += chunk.length;
        recording?.write(chunk);
      },
      isFinished: () => finished,
    });
    upstream.on('end', () => finish(1000, 'The desktop closed the connection'));
    upstream.on('close', () =>
      finish(1000, 'The desktop closed the connection'),
    );
    // Providers end the stream with an error that says why (stopped, taken
    // over, migrating), so the browser learns it as a close code.
    upstream.on('error', error => {
      const code = closeCodeFor(error);
      finish(
        code,
        code === CONSOLE_CLOSE_CODES.upstreamFailed
          ? `Desktop connection failed: ${error.message}`
          : error.message,
      );
    });

    // Parsed here, not in the browser, so a watcher cannot send input.
    const filter = viewOnly ? new RfbClientFilter() : undefined;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        // Text frames are the console page's control channel; answering
        // them does not count as input.
        const ping = parseConsolePing(data.toString('utf8'));
        if (!ping) {
          finish(
            1003,
            'The console accepts binary RFB frames and its own pings only',
          );
          return;
        }
        const idleMs = Date.now() - lastInput;
        const pong: ConsolePong = {
          type: 'pong',
          id: ping.id,
          idleMs,
          idleTimeoutMs: config.idleTimeoutMs,
          // Every replica's, as the seat heartbeat counted them; this
          // backend's own until its first beat.
          viewers: leases.viewersOf(record.name) ?? this.viewersOf(record.name),
          viewOnly,
          present: leases.presentOf(record.name) ?? [
            { user: actor, mode: viewOnly ? 'view' : 'control' },
          ],
          recording: recording?.active ?? false,
        };
        ws.send(JSON.stringify(pong));
        return;
      }
      // A watcher's input still shows someone is there, so it counts.
      if (isConsoleInputFrame(data)) lastInput = Date.now();
      let toDesktop = data;
      if (filter) {
        try {
          toDesktop = filter.push(data);
        } catch (error) {
          finish(1008, `View-only console: ${(error as Error).message}`);
          return;
        }
        if (toDesktop.length === 0) return;
      }
      bytesToDesktop += toDesktop.length;
      if (!upstream!.write(toDesktop)) {
        ws.pause();
        upstream!.once('drain', () => ws.resume());
      }
    });
    ws.resume();

    timers.push(
      setInterval(() => {
        flushByteCounts();
        // Proxies and the API server drop quiet websockets.
        if (ws.readyState === WebSocket.OPEN) ws.ping();
      }, KEEPALIVE_MS).unref(),
    );
    // Armed for the exact moment the session would turn idle, so the close
    // comes when the console page's countdown reaches zero.
    const checkIdle = () => {
      if (finished) return;
      const left = lastInput + config.idleTimeoutMs - Date.now();
      if (left <= 0) {
        finish(CONSOLE_CLOSE_CODES.idle, 'Closed after a period without input');
      } else {
        idleTimer = setTimeout(checkIdle, left).unref();
      }
    };
    checkIdle();
    let recordedInput = lastInput;
    timers.push(
      setInterval(() => {
        if (lastInput === recordedInput) return;
        recordedInput = lastInput;
        service
          .recordConsoleActivity(record)
          .catch(error =>
            logger.warn(
              `Could not record activity on ${record.name}: ${error}`,
            ),
          );
      }, ACTIVITY_MS).unref(),
    );
  }
}
