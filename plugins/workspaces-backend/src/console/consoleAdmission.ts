import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { WebSocket } from 'ws';
import { CONSOLE_CLOSE_CODES } from '@desktop-mania/plugin-workspaces-common';
import type { LeaseAccess } from '../database/ConsoleLeaseStore';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { WorkspaceService } from '../service/WorkspaceService';
import type { WorkspacesConfig } from '../service/WorkspacesConfig';
import type { SessionLeases } from './SessionLeases';

/** Why a console closed before its relay began, in the portal's close codes. */
export class ConsoleRefusal extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/**
 * Who is calling, whether they may connect (control with `workspace.connect`,
 * else view-only with `workspace.view`), and a seat under their limit.
 */
export async function admitToConsole(
  options: {
    ws: WebSocket;
    auth: AuthService;
    service: WorkspaceService;
    leases: SessionLeases;
    logger: LoggerService;
    config: WorkspacesConfig['console'];
  },
  name: string,
  token?: string,
) {
  const { ws, auth, service, config } = options;
  if (!token) {
    throw new ConsoleRefusal(
      CONSOLE_CLOSE_CODES.unauthenticated,
      'Sign in to open the console',
    );
  }
  let credentials: BackstageCredentials;
  try {
    credentials = await auth.authenticate(token);
  } catch {
    throw new ConsoleRefusal(
      CONSOLE_CLOSE_CODES.unauthenticated,
      'Your sign-in is not valid; sign in again',
    );
  }
  if (!auth.isPrincipal(credentials, 'user')) {
    throw new ConsoleRefusal(
      CONSOLE_CLOSE_CODES.forbidden,
      'Consoles are for people, not services',
    );
  }
  let record: WorkspaceRecord;
  let access: LeaseAccess;
  try {
    ({ record, access } = await service.sharing.admitConsole(
      credentials,
      name,
    ));
  } catch (error) {
    assertError(error);
    const code = {
      NotFoundError: CONSOLE_CLOSE_CODES.notFound,
      NotAllowedError: CONSOLE_CLOSE_CODES.forbidden,
    }[error.name];
    throw code ? new ConsoleRefusal(code, error.message) : error;
  }
  if (ws.readyState !== WebSocket.OPEN) {
    throw new ConsoleRefusal(1001, 'The browser left');
  }
  // Checked and taken in one transaction on the shared database, so
  // parallel opens on any replicas cannot all see the same free seat.
  const actor = credentials.principal.userEntityRef;
  const { leases, logger } = options;
  const seat = await leases.reserve(
    record.name,
    actor,
    config.maxSessionsPerUser,
    access,
  );
  if (!seat.ok) {
    throw new ConsoleRefusal(
      CONSOLE_CLOSE_CODES.tooManySessions,
      `You have ${seat.held} console sessions open; close one first (limit ${config.maxSessionsPerUser})`,
    );
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    leases
      .release(seat.id)
      .catch(error =>
        logger.warn(`Could not free a console seat early: ${error}`),
      );
  };
  if (ws.readyState !== WebSocket.OPEN) {
    release();
    throw new ConsoleRefusal(1001, 'The browser left');
  }
  const viewOnly = access.mode === 'view';
  // Someone a share let in never closes the sessions of those using the
  // desktop (its owner among them) by taking it over.
  const mayTakeOver = !viewOnly && !access.share;
  return { record, actor, seat: seat.id, release, viewOnly, mayTakeOver };
}

/** The close code that tells the browser why a desktop's stream ended. */
export function closeCodeFor(error: Error): number {
  switch (error.name) {
    case 'ConsoleInUseError':
      return CONSOLE_CLOSE_CODES.inUse;
    case 'ConflictError':
      return CONSOLE_CLOSE_CODES.notRunning;
    case 'NotFoundError':
      return CONSOLE_CLOSE_CODES.notFound;
    case 'NotAllowedError':
      return CONSOLE_CLOSE_CODES.forbidden;
    case 'ConsoleMigratingError':
      return CONSOLE_CLOSE_CODES.migrating;
    default:
      return CONSOLE_CLOSE_CODES.upstreamFailed;
  }
}
