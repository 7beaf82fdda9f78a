import { CONSOLE_CLOSE_CODES } from '@desktop-mania/plugin-workspaces-common';

// Refusals a retry cannot fix.
const FINAL_CODES: number[] = [
  CONSOLE_CLOSE_CODES.unauthenticated,
  CONSOLE_CLOSE_CODES.forbidden,
  CONSOLE_CLOSE_CODES.notFound,
  CONSOLE_CLOSE_CODES.notRunning,
  CONSOLE_CLOSE_CODES.tooManySessions,
  CONSOLE_CLOSE_CODES.idle,
  1003,
];

// A live migration ends the session on the old host while the desktop is
// already reachable on the new one, so waiting only prolongs the blank
// screen. The cap stops a desktop that keeps moving, or a proxy that keeps
// saying so, from spinning without the user seeing why.
const MAX_MOVE_RECONNECTS = 5;
/** Tries for a viewer the desktop dropped as it joined. */
const EARLY_DROP_RETRIES = 3;
/** A session the desktop ends sooner than this after joining was dropped while joining. */
export const EARLY_DROP_MS = 3000;
const MOVING = 'The desktop is moving to another host';

/** What the console does once its connection closed. */
export type AfterClose =
  | { kind: 'disconnected' | 'inUse'; reason: string }
  /** Reconnect at once: the desktop moved to another host. */
  | { kind: 'move'; reason: string }
  /** Join again in a second: the desktop dropped the viewer as it joined. */
  | { kind: 'rejoin'; reason: string }
  /** Reconnect after `delayMs`: a close a retry may fix. */
  | { kind: 'backoff'; reason: string; delayMs: number };

/**
 * Decides from a close what the console does next. Kept apart from the
 * hook because it is the console's whole reconnect policy, and reads best
 * (and is tested) as one table of cases.
 */
export function afterClose(close: {
  code: number;
  reason?: string;
  userClosed: boolean;
  /** How long the session was connected; undefined if it never was. */
  connectedFor?: number;
  moves: number;
  earlyDrops: number;
  attempts: number;
  maxReconnectDelayMs: number;
}): AfterClose {
  const { code } = close;
  const reason =
    close.reason ||
    (code === 1006 ? 'the connection dropped' : `closed with code ${code}`);
  if (close.userClosed) {
    return { kind: 'disconnected', reason: 'you disconnected' };
  }
  if (code === CONSOLE_CLOSE_CODES.inUse) return { kind: 'inUse', reason };
  if (
    code === CONSOLE_CLOSE_CODES.migrating &&
    close.moves < MAX_MOVE_RECONNECTS
  ) {
    return { kind: 'move', reason: MOVING };
  }
  if (
    code === 1000 &&
    (close.connectedFor === undefined || close.connectedFor < EARLY_DROP_MS) &&
    close.earlyDrops < EARLY_DROP_RETRIES
  ) {
    // TigerVNC drops a viewer that has not yet said which encodings it
    // takes when another viewer resizes the desktop at that moment; a
    // second try a moment later gets in.
    return { kind: 'rejoin', reason };
  }
  if (
    FINAL_CODES.includes(code) ||
    code === 1000 ||
    code === CONSOLE_CLOSE_CODES.migrating
  ) {
    return { kind: 'disconnected', reason };
  }
  return {
    kind: 'backoff',
    reason,
    delayMs: Math.min(close.maxReconnectDelayMs, 1000 * 2 ** close.attempts),
  };
}
