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
}

/** How long before the idle disconnect the console warns. @public */
export const CONSOLE_IDLE_WARNING_MS = 60_000;

/** Control frames are tiny; anything longer is not one. @public */
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

function parseJson(text: string): Record<string, unknown> | undefined {
  if (text.length > CONSOLE_CONTROL_MAX_LENGTH) return undefined;
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

/** The pong in a text frame, or undefined if it is not one. @public */
export function parseConsolePong(text: string): ConsolePong | undefined {
  const value = parseJson(text);
  if (
    value?.type !== 'pong' ||
    !isCount(value.id) ||
    !isCount(value.idleMs) ||
    !isCount(value.idleTimeoutMs) ||
    !isCount(value.viewers)
  ) {
    return undefined;
  }
  return {
    type: 'pong',
    id: value.id,
    idleMs: value.idleMs,
    idleTimeoutMs: value.idleTimeoutMs,
    viewers: value.viewers,
  };
}
