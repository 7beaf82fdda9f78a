import { ServerResponse, type IncomingMessage, type Server } from 'http';
import type { Socket } from 'net';
import type { Duplex } from 'stream';

/** Handles an upgrade whose path it claimed; the path is already parsed. */
export type UpgradeHandler = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  pathname: string,
) => void;

// Another plugin's listener (the signals backend has one) gets this long to
// answer an upgrade on its own path before the socket is closed as unclaimed.
const FOREIGN_GRACE_MS = 10_000;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** Answers an upgrade with an HTTP status and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string) {
  if (socket.destroyed) return;
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

/**
 * The one `upgrade` listener this suite adds to an HTTP server. Without any
 * listener Node hands an upgrade to the app as a plain request; once one
 * exists, upgrades nobody routes would hang. So this one hands the upgrades
 * it cannot route to the app as Node would, and closes each socket once
 * answered; without that, anyone could leave sockets hanging without
 * signing in, and a plugin that subscribes to upgrades from its router (the
 * signals backend does, when such a request first reaches it) never would.
 */
export class UpgradeDispatcher {
  private static readonly byServer = new WeakMap<Server, UpgradeDispatcher>();
  private readonly handlers = new Map<string, UpgradeHandler>();

  /** The dispatcher of a server, attached the first time it is asked for. */
  static of(server: Server): UpgradeDispatcher {
    let dispatcher = this.byServer.get(server);
    if (!dispatcher) {
      dispatcher = new UpgradeDispatcher(server);
      this.byServer.set(server, dispatcher);
      server.on('upgrade', dispatcher.onUpgrade);
    }
    return dispatcher;
  }

  private constructor(private readonly server: Server) {}

  /** Routes upgrades under a path prefix to a handler until released. */
  claim(prefix: string, handler: UpgradeHandler): () => void {
    this.handlers.set(prefix, handler);
    return () => {
      if (this.handlers.get(prefix) === handler) this.handlers.delete(prefix);
    };
  }

  private readonly onUpgrade = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) => {
    socket.on('error', () => socket.destroy());
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      refuseUpgrade(socket, 400, 'The request path is not a valid URL');
      return;
    }
    for (const [prefix, handler] of this.handlers) {
      if (pathname.startsWith(prefix)) {
        handler(req, socket, head, pathname);
        return;
      }
    }
    if (this.server.listenerCount('upgrade') === 1) {
      this.toApp(req, socket);
    }
    const timer = setTimeout(() => {
      // An upgrade another listener (or the app) answered has had bytes
      // written to it.
      const written = (socket as Partial<Socket>).bytesWritten ?? 0;
      if (!socket.destroyed && written === 0) {
        refuseUpgrade(socket, 404, 'Nothing accepts websockets at this path');
      }
    }, FOREIGN_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };

  /** The app's own answer to the upgrade as a plain request, then the socket closed. */
  private toApp(req: IncomingMessage, socket: Duplex) {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    // Its body, if any, was read as the upgrade's head; a request that
    // waits for one sees it empty rather than hanging.
    req.push(null);
    this.server.emit('request', req, res);
  }
}
