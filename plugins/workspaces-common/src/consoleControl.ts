/**
 * The console websocket carries RFB in binary frames; text frames are the
 * portal's own small control channel beside it. The browser sends a ping
 * about once a second and the proxy answers at once with the session's
 * state, so the round trip is measured and the idle countdown follows the
 * proxy's own clock. Control frames never count as input.
 */

/** The browser's question, as JSON in a text frame. @public */
export interface ConsolePing {
  type: 'ping';
  id: number;
}

/** The proxy's answer to a {@link ConsolePing}, as JSON in a text frame. @public */
export interface ConsolePong {
  type: 'pong';
  id: number;
  /** Milliseconds since this session's last input, as the proxy counts it. */
  idleMs: number;
  /** The proxy closes the session with the idle close code once `idleMs` reaches this. */
  idleTimeoutMs: number;
  /** Console sessions open on this desktop, this one included. */
  viewers: number;
  /** This session only watches: the proxy drops its keys, pointer and clipboard. */
  viewOnly: boolean;
  /** Everyone connected to this desktop on every replica, this session included. */
  present: ConsolePresence[];
  /** This session is being recorded now (it stops when a recording limit is reached). */
  recording: boolean;
}

/** One person connected to a desktop's console, and how. @public */
export interface ConsolePresence {
  /** Entity ref of the person. */
  user: string;
  mode: 'control' | 'view';
}

/** How long before the idle disconnect the console warns. @public */
export const CONSOLE_IDLE_WARNING_MS = 60_000;

/**
 * Pings are tiny; a longer text frame from the browser is not one. Pongs
 * may be longer: they list who is present.
 * @public
 */
export const CONSOLE_CONTROL_MAX_LENGTH = 256;

// RFB client messages that only a person causes: KeyEvent, PointerEvent,
// ClientCutText and QEMU's extended KeyEvent (255, subtype 0), which noVNC
// sends instead of KeyEvent where the server offers it (QEMU, TigerVNC).
// FramebufferUpdateRequest (3) and the rest are sent by the client on its
// own, so a screen that keeps changing would never be idle.
const INPUT_MESSAGE_TYPES = new Set([4, 5, 6]);
const QEMU_MESSAGE = 255;
const QEMU_EXTENDED_KEY_EVENT = 0;

/**
 * Whether a binary frame from the browser counts as input for the idle
 * timeout: it starts with a key, pointer or clipboard message. noVNC sends
 * each message in a frame of its own, so the first bytes tell.
 * @public
 */
export function isConsoleInputFrame(frame: Uint8Array): boolean {
  if (frame.length === 0) return false;
  if (frame[0] === QEMU_MESSAGE) {
    return frame.length > 1 && frame[1] === QEMU_EXTENDED_KEY_EVENT;
  }
  return INPUT_MESSAGE_TYPES.has(frame[0]);
}

function parseJson(
  text: string,
  maxLength = CONSOLE_CONTROL_MAX_LENGTH,
): Record<string, unknown> | undefined {
  if (text.length > maxLength) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** The ping in a text frame, or undefined if it is not one. @public */
export function parseConsolePing(text: string): ConsolePing | undefined {
  const value = parseJson(text);
  if (value?.type !== 'ping' || !isCount(value.id)) return undefined;
  return { type: 'ping', id: value.id };
}

// Bounds what a browser parses, however many people watch one desktop.
const PONG_MAX_LENGTH = 64 * 1024;

/** The pong in a text frame, or undefined if it is not one. @public */
export function parseConsolePong(text: string): ConsolePong | undefined {
  const value = parseJson(text, PONG_MAX_LENGTH);
  if (
    value?.type !== 'pong' ||
    !isCount(value.id) ||
    !isCount(value.idleMs) ||
    !isCount(value.idleTimeoutMs) ||
    !isCount(value.viewers)
  ) {
    return undefined;
  }
  // A proxy from before sharing sends neither field: it knows only control
  // sessions and does not list who is present.
  const viewOnly = value.viewOnly ?? false;
  const present = value.present ?? [];
  if (typeof viewOnly !== 'boolean' || !isPresence(present)) return undefined;
  // A proxy from before recording does not say, and records nothing.
  const recording = value.recording ?? false;
  if (typeof recording !== 'boolean') return undefined;
  return {
    type: 'pong',
    id: value.id,
    idleMs: value.idleMs,
    idleTimeoutMs: value.idleTimeoutMs,
    viewers: value.viewers,
    viewOnly,
    present: present.map(p => ({ user: p.user, mode: p.mode })),
    recording,
  };
}

function isPresence(value: unknown): value is ConsolePresence[] {
  return (
    Array.isArray(value) &&
    value.every(
      p =>
        p &&
        typeof p === 'object' &&
        typeof p.user === 'string' &&
        (p.mode === 'control' || p.mode === 'view'),
    )
  );
}

/**
 * What a console session shows: the desktop's own display (the session's
 * VNC server, several viewers, clipboard, resize) or the machine's console
 * (KubeVirt's VM console: boot screen, one seat, no clipboard).
 * @public
 */
export type ConsoleDisplay = 'desktop' | 'console';

/**
 * Sent by the proxy as the first text frame of a session, before any RFB:
 * which display the browser is looking at, and why it is not the one asked
 * for when the desktop's own display did not answer.
 * @public
 */
export interface ConsoleDisplayMessage {
  type: 'display';
  display: ConsoleDisplay;
  /** Set when the session fell back to the console: why, in one sentence. */
  fallback?: string;
  /** The displays this desktop offers, when it has more than one to choose from. */
  displays?: ConsoleDisplay[];
}

/** The display named in a query parameter, or undefined if it names none. @public */
export function parseConsoleDisplay(
  value: unknown,
): ConsoleDisplay | undefined {
  return value === 'desktop' || value === 'console' ? value : undefined;
}

/** The display message in a text frame, or undefined if it is not one. @public */
export function parseConsoleDisplayMessage(
  text: string,
): ConsoleDisplayMessage | undefined {
  const value = parseJson(text);
  const display = parseConsoleDisplay(value?.display);
  if (value?.type !== 'display' || !display) return undefined;
  if (value.fallback !== undefined && typeof value.fallback !== 'string') {
    return undefined;
  }
  const displays = value.displays;
  if (
    displays !== undefined &&
    !(
      Array.isArray(displays) &&
      displays.every(d => parseConsoleDisplay(d) !== undefined)
    )
  ) {
    return undefined;
  }
  return {
    type: 'display',
    display,
    ...(value.fallback ? { fallback: value.fallback } : {}),
    ...(displays ? { displays: displays as ConsoleDisplay[] } : {}),
  };
}
