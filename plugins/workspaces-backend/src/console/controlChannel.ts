import {
  parseConsolePing,
  type ConsoleDisplayMessage,
  type ConsolePong,
} from '@desktop-mania/plugin-workspaces-common';
import type { ConsoleStream } from '@desktop-mania/plugin-workspaces-node';
import type { SessionLeases } from './SessionLeases';

/**
 * The first text frame of a session, before any RFB: which display the
 * stream shows, and why not the desktop's own if that one did not answer.
 */
export function displayMessageOf(
  shown: NonNullable<ConsoleStream['consoleDisplay']>,
): ConsoleDisplayMessage {
  return {
    type: 'display',
    display: shown.display,
    ...(shown.fallback && { fallback: shown.fallback.slice(0, 150) }),
    ...(shown.displays && { displays: shown.displays }),
  };
}

/**
 * Answers a text frame from the browser, which may only be the console
 * page's ping: with the session's idle countdown on the proxy's clock, and
 * who else is on the desktop. Undefined for any other text.
 */
export function answerControlFrame(
  text: string,
  session: {
    workspace: string;
    actor: string;
    viewOnly: boolean;
    lastInput: number;
    idleTimeoutMs: number;
    recording: boolean;
    leases: Pick<SessionLeases, 'viewersOf' | 'presentOf'>;
    /** Sessions on the desktop through this backend instance. */
    localViewers(): number;
  },
): ConsolePong | undefined {
  const ping = parseConsolePing(text);
  if (!ping) return undefined;
  const { workspace, actor, viewOnly, leases } = session;
  return {
    type: 'pong',
    id: ping.id,
    idleMs: Date.now() - session.lastInput,
    idleTimeoutMs: session.idleTimeoutMs,
    // Every replica's, as the seat heartbeat counted them; this backend's
    // own until its first beat.
    viewers: leases.viewersOf(workspace) ?? session.localViewers(),
    viewOnly,
    present: leases.presentOf(workspace) ?? [
      { user: actor, mode: viewOnly ? 'view' : 'control' },
    ],
    recording: session.recording,
  };
}
