import type { Duplex } from 'stream';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type { RequestHandler } from 'express';
import { WebSocket } from 'ws';
import { CONSOLE_CLOSE_CODES } from '@desktop-mania/plugin-workspaces-common';
import type { ConsoleStream } from '@desktop-mania/plugin-workspaces-node';
import type { WorkspaceService } from '../service/WorkspaceService';
import type { WorkspaceMetrics } from '../service/WorkspaceMetrics';
import type { WorkspacesConfig } from '../service/WorkspacesConfig';
import { relayToBrowser, type RelayToBrowser } from './relay';
import { finishWithDesktop, relayToDesktop } from './desktopStream';
import {
  admitToConsole,
  closeCodeFor,
  ConsoleRefusal,
} from './consoleAdmission';
import { consoleUpgrades, type ConsoleUpgrade } from './consoleUpgrade';
import { answerControlFrame, displayMessageOf } from './controlChannel';
import { sessionMetrics } from './sessionMetrics';
import { startSessionTimers } from './sessionTimers';
import type { SessionLeases } from './SessionLeases';
import type {
  SessionRecorder,
  SessionRecording,
} from '../recording/SessionRecorder';

/** Above this many bytes queued towards the browser, reading from the desktop stops. */
export const HIGH_WATER_MARK = 1024 * 1024;

interface Session {
  ws: WebSocket;
  actor: string;
  workspace: string;
  close(code: number, reason: string): void;
}

type Admission = Awaited<ReturnType<typeof admitToConsole>>;

/**
 * Relays a desktop's RFB stream to the browser over an authenticated
 * websocket, and owns each console session from its seat to its close.
 */
export class ConsoleProxy {
  private readonly sessions = new Set<Session>();
  private readonly upgrades: ReturnType<typeof consoleUpgrades>;
  /** Claims the console's paths on the server a request arrived on. */
  readonly middleware: RequestHandler;
  /** Whether the proxy has claimed its paths on a server yet. */
  readonly isAttached: () => boolean;

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
    this.upgrades = consoleUpgrades({
      ...options,
      onAccepted: (ws, socket, upgrade) => this.accept(ws, socket, upgrade),
    });
    this.middleware = this.upgrades.middleware;
    this.isAttached = this.upgrades.isAttached;
  }

  /** Console sessions open on a desktop through this backend instance. */
  viewersOf(workspace: string): number {
    let viewers = 0;
    for (const session of this.sessions) {
      if (session.workspace === workspace) viewers += 1;
    }
    return viewers;
  }

  async shutdown() {
    this.upgrades.release();
    for (const session of [...this.sessions]) {
      session.close(1001, 'The portal is shutting down');
    }
    this.options.leases.stop();
    // What recordings queued reaches the disk before the process ends.
    await this.options.recorder?.drain();
  }

  /** Admits the caller to an accepted websocket, or closes it saying why. */
  private accept(ws: WebSocket, socket: Duplex, upgrade: ConsoleUpgrade) {
    // Nothing from the browser is read until the desktop answers.
    ws.pause();
    admitToConsole({ ...this.options, ws }, upgrade.name, upgrade.token)
      .then(admission => this.relay(ws, socket, admission, upgrade))
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
  }

  private async relay(
    ws: WebSocket,
    /** The browser's socket under `ws`. */
    browserSocket: Duplex,
    { record, actor, seat, release, viewOnly, mayTakeOver }: Admission,
    upgrade: ConsoleUpgrade,
  ) {
    const { service, config, logger, leases } = this.options;
    const takeover = upgrade.takeover && mayTakeOver;
    const meter = sessionMetrics(this.options.metrics);
    let opened: Awaited<ReturnType<WorkspaceService['openConsole']>>;
    try {
      // Viewers relayed by other replicas close there within a heartbeat.
      if (takeover) await leases.revokeOthers(record.name, seat);
      opened = await service.openConsole(
        record,
        actor,
        { preserveSession: !takeover, display: upgrade.display },
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
    let upstream: ConsoleStream | undefined;
    // Set once the relay starts; finish flushes it.
    let toBrowser: RelayToBrowser | undefined = undefined;
    let finished = false;
    // Set once the relay starts; finish and pongs read it before then too.
    let recording: SessionRecording | undefined = undefined;
    let lastInput = Date.now();
    // Replaced once the relay starts.
    let stopTimers = () => {};
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
      stopTimers();
      this.sessions.delete(session);
      meter.end(code, bytesToDesktop, bytesFromDesktop);
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
          seconds: meter.seconds(),
          recording: recording?.finish(),
        })
        .catch(error =>
          logger.error('Could not record the end of a console session', error),
        );
    };
    session.close = finish;
    this.sessions.add(session);
    leases.track(seat, record.name, finish);
    meter.begin();

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
      finish(closeCodeFor(e), e.message);
      return;
    }
    if (finished) {
      upstream.destroy();
      return;
    }
    // The browser learns it before any RFB. A provider with one display
    // says nothing, and the stream stays RFB only, as clients before the
    // display switch expect.
    if (upstream.consoleDisplay) {
      ws.send(JSON.stringify(displayMessageOf(upstream.consoleDisplay)));
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
    finishWithDesktop(upstream, finish);

    relayToDesktop({
      ws,
      upstream,
      viewOnly,
      onText: text => {
        // Answering the console page does not count as input.
        const pong = answerControlFrame(text, {
          workspace: record.name,
          actor,
          viewOnly,
          lastInput,
          idleTimeoutMs: config.idleTimeoutMs,
          recording: recording?.active ?? false,
          leases,
          localViewers: () => this.viewersOf(record.name),
        });
        if (pong) ws.send(JSON.stringify(pong));
        else
          finish(
            1003,
            'The console accepts binary RFB frames and its own pings only',
          );
      },
      onInput: () => {
        lastInput = Date.now();
      },
      onChunk: chunk => {
        bytesToDesktop += chunk.length;
      },
      fail: finish,
    });
    ws.resume();

    stopTimers = startSessionTimers({
      ws,
      lastInput: () => lastInput,
      idleTimeoutMs: config.idleTimeoutMs,
      onKeepalive: () => meter.flush(bytesToDesktop, bytesFromDesktop),
      onIdle: () =>
        finish(CONSOLE_CLOSE_CODES.idle, 'Closed after a period without input'),
      onActivity: () =>
        service
          .recordConsoleActivity(record)
          .catch(error =>
            logger.warn(
              `Could not record activity on ${record.name}: ${error}`,
            ),
          ),
    });
  }
}
