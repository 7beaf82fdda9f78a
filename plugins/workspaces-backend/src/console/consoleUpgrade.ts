import type { IncomingMessage, Server } from 'http';
import type { Duplex } from 'stream';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type { RequestHandler } from 'express';
import { WebSocket, WebSocketServer } from 'ws';
import {
  CONSOLE_PROTOCOL,
  decodeConsoleTokenProtocol,
  parseConsoleDisplay,
  type ConsoleDisplay,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspacesConfig } from '../service/WorkspacesConfig';
import {
  refuseUpgrade,
  UpgradeDispatcher,
  type UpgradeHandler,
} from './UpgradeDispatcher';

// RFB client messages are tiny except clipboard text; this bounds a hostile frame.
const MAX_FRAME = 4 * 1024 * 1024;

/** Why an upgrade is answered with an HTTP status instead of a websocket. */
class UpgradeRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** What a console upgrade asks for. */
export interface ConsoleUpgrade {
  /** The desktop, decoded from the path. */
  name: string;
  /** The Backstage token, from its subprotocol; checked once accepted. */
  token?: string;
  takeover: boolean;
  display: ConsoleDisplay;
}

/** The paths consoles open on under a plugin's base path. */
function consolePaths(basePath: string) {
  const base = basePath.replace(/\/$/, '');
  return {
    /** What the proxy claims on the server's upgrade dispatcher. */
    prefix: `${base}/workspaces/`,
    /** A desktop's console; the first group is its name, URI-encoded. */
    pattern: new RegExp(
      `^${base.replace(
        /[.*+?^${}()|[\]\\]/g,
        '\\$&',
      )}/workspaces/([^/]+)/console$`,
    ),
  };
}

/**
 * Reads a console upgrade, refusing with an HTTP status only what a browser
 * page of the portal never sends (an unknown path, a foreign origin, no
 * console subprotocol). Everything else is accepted first and then closed
 * with one of the portal's close codes, so the Desktop tab can read why.
 * Browsers cannot set headers on websockets, so the token travels as a
 * subprotocol and never in the URL.
 */
function readConsoleUpgrade(
  req: IncomingMessage,
  pathname: string,
  options: { pattern: RegExp; allowedOrigins: string[] },
): ConsoleUpgrade {
  const match = options.pattern.exec(pathname);
  if (!match) {
    throw new UpgradeRefusal(404, 'Nothing accepts websockets at this path');
  }
  let name: string;
  try {
    name = decodeURIComponent(match[1]);
  } catch {
    throw new UpgradeRefusal(400, 'The desktop name in the path is malformed');
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const origin = req.headers.origin;
  if (!origin || !options.allowedOrigins.includes(origin)) {
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
  return {
    name,
    token: offered.map(decodeConsoleTokenProtocol).find(t => t !== undefined),
    takeover: url.searchParams.get('takeover') === 'true',
    display: parseConsoleDisplay(url.searchParams.get('display')) ?? 'desktop',
  };
}

/**
 * Turns upgrades under `<basePath>/workspaces/` into console websockets,
 * refusing with an HTTP status what is no console request.
 */
export function consoleUpgrades(options: {
  basePath: string;
  config: WorkspacesConfig['console'];
  logger: LoggerService;
  onAccepted(ws: WebSocket, socket: Duplex, upgrade: ConsoleUpgrade): void;
}) {
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_FRAME,
    handleProtocols: protocols =>
      protocols.has(CONSOLE_PROTOCOL) ? CONSOLE_PROTOCOL : false,
  });
  const { prefix, pattern } = consolePaths(options.basePath);
  const handleUpgrade: UpgradeHandler = (req, socket, head, pathname) => {
    try {
      const upgrade = readConsoleUpgrade(req, pathname, {
        pattern,
        allowedOrigins: options.config.allowedOrigins,
      });
      wss.handleUpgrade(req, socket, head, ws =>
        options.onAccepted(ws, socket, upgrade),
      );
    } catch (error) {
      assertError(error);
      const status = error instanceof UpgradeRefusal ? error.status : 500;
      if (status >= 500) {
        options.logger.error('Console upgrade failed', error);
      }
      refuseUpgrade(socket, status, error.message);
    }
  };
  /** The servers claimed so far, with how to let them go. */
  const servers = new Map<Server, () => void>();
  /**
   * There is no upgrade hook on the HTTP router, so the console claims its
   * paths on the server that requests to this plugin arrive on. The plugin
   * sends itself one request at startup, so this happens before anyone
   * opens a console.
   */
  const middleware: RequestHandler = (req, _res, next) => {
    const server = (req.socket as unknown as { server?: Server }).server;
    if (server && !servers.has(server)) {
      servers.set(
        server,
        UpgradeDispatcher.of(server).claim(prefix, handleUpgrade),
      );
    }
    next();
  };
  return {
    middleware,
    isAttached: () => servers.size > 0,
    /** Lets go of every path claimed. */
    release() {
      for (const release of servers.values()) release();
    },
  };
}
