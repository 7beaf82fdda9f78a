import {
  isConsoleInputFrame,
  parseConsoleDisplayMessage,
  parseConsolePong,
  type ConsoleDisplayMessage,
  type ConsolePing,
  type ConsolePong,
} from '@desktop-mania/plugin-workspaces-common';

/** The last pong, with when it arrived on this page's clock. */
export interface ReceivedPong extends ConsolePong {
  at: number;
}

/**
 * What noVNC sees as its websocket. It passes RFB frames through, keeps the
 * portal's text control frames (pongs) away from the RFB parser, and counts
 * what it measures: bytes received, framebuffer updates, the ping's round
 * trip and this viewer's last input by the proxy's rule.
 */
export class ConsoleChannel {
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  /** The proxy's word, before any RFB, on which display this session shows. */
  ondisplay: ((message: ConsoleDisplayMessage) => void) | null = null;

  bytesReceived = 0;
  framesReceived = 0;
  /** Whether framebuffer updates are counted; noVNC versions may differ. */
  countsFrames = false;
  /** The latest measured round trip, in milliseconds. */
  roundTripMs: number | undefined;
  lastPong: ReceivedPong | undefined;
  /** When this page last sent a frame the proxy counts as input. */
  lastInputAt: number | undefined;

  private nextPing = 1;
  private readonly pingsSent = new Map<number, number>();

  constructor(
    private readonly socket: WebSocket,
    private readonly now: () => number = () => performance.now(),
  ) {
    socket.addEventListener('open', e => this.onopen?.(e));
    socket.addEventListener('error', e => this.onerror?.(e));
    socket.addEventListener('close', e => this.onclose?.(e as CloseEvent));
    socket.addEventListener('message', e => {
      const event = e as MessageEvent;
      if (typeof event.data === 'string') {
        this.receiveControl(event.data);
        return;
      }
      this.bytesReceived += (event.data as ArrayBuffer).byteLength ?? 0;
      this.onmessage?.(event);
    });
  }

  get binaryType() {
    return this.socket.binaryType;
  }

  set binaryType(type: BinaryType) {
    this.socket.binaryType = type;
  }

  get protocol() {
    return this.socket.protocol;
  }

  get readyState() {
    return this.socket.readyState;
  }

  send(data: Uint8Array) {
    if (isConsoleInputFrame(data)) this.lastInputAt = this.now();
    this.socket.send(data);
  }

  close(code?: number, reason?: string) {
    this.socket.close(code, reason);
  }

  /** Asks the proxy for the session's state; the answer sets the round trip. */
  ping() {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const ping: ConsolePing = { type: 'ping', id: this.nextPing++ };
    this.pingsSent.set(ping.id, this.now());
    // An answer that never comes must not keep its entry forever.
    for (const id of this.pingsSent.keys()) {
      if (id < ping.id - 10) this.pingsSent.delete(id);
    }
    this.socket.send(JSON.stringify(ping));
  }

  /** Counts each framebuffer update noVNC finishes drawing. */
  countFrames(client: unknown) {
    const display = (client as { _display?: { flip?: Function } })._display;
    const flip = display?.flip;
    if (!display || typeof flip !== 'function') return;
    this.countsFrames = true;
    display.flip = (...args: unknown[]) => {
      this.framesReceived += 1;
      return flip.apply(display, args);
    };
  }

  private receiveControl(text: string) {
    const display = parseConsoleDisplayMessage(text);
    if (display) {
      this.ondisplay?.(display);
      return;
    }
    const pong = parseConsolePong(text);
    if (!pong) return;
    const at = this.now();
    const sent = this.pingsSent.get(pong.id);
    if (sent !== undefined) {
      this.pingsSent.delete(pong.id);
      this.roundTripMs = at - sent;
    }
    this.lastPong = { ...pong, at };
  }
}
