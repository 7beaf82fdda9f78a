import type { RecordingFrame } from '@desktop-mania/plugin-workspaces-common';

/** The playback speeds the player offers. @public */
export const PLAYBACK_SPEEDS = [0.5, 1, 2, 4] as const;

// A seek over a long session hands noVNC megabytes at once. noVNC queues
// what arrives while it waits for images to decode, and gives up past 40
// MiB, so a long seek pauses between batches to let it catch up.
const SEEK_BATCH_BYTES = 4 * 1024 * 1024;

// noVNC attaches in its constructor and starts the handshake at once when
// the channel is already open, as a socket it was handed might be.
const OPEN = 1;
const CLOSED = 3;

/**
 * What noVNC sees as its websocket while it replays a recording: it hands
 * noVNC the recorded frames at their times, scaled by the speed, and
 * answers nothing. Whatever noVNC sends (requests, input) is dropped, so a
 * recording never reaches a desktop. What noVNC has drawn cannot be taken
 * back, so going back in time takes a new channel and a new client.
 */
export class RecordingChannel {
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  binaryType: BinaryType = 'arraybuffer';
  protocol = '';
  readyState = OPEN;

  readonly durationMs: number;
  /** Frames handed to noVNC so far. */
  delivered = 0;
  private clock = { positionMs: 0, at: 0 };
  private running = false;
  private rate = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seeking = false;

  constructor(
    private readonly frames: readonly RecordingFrame[],
    private readonly options: {
      /** At least the last frame's time; longer when the session went quiet before it ended. */
      durationMs?: number;
      /** Called when playing starts or stops, and after a seek. */
      onChange?: () => void;
      now?: () => number;
    } = {},
  ) {
    this.durationMs = Math.max(
      options.durationMs ?? 0,
      frames.length ? frames[frames.length - 1].atMs : 0,
    );
  }

  /** Discards: nobody is at the other end of a recording. */
  send(_data: unknown) {}

  close() {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.stop();
    // Later, as a socket would: noVNC expects its close call to return first.
    setTimeout(() =>
      this.onclose?.({
        code: 1000,
        reason: '',
        wasClean: true,
      } as CloseEvent),
    );
  }

  get playing() {
    return this.running;
  }

  get speed() {
    return this.rate;
  }

  get ended() {
    return !this.running && this.positionMs >= this.durationMs;
  }

  /** Where playback stands, in milliseconds of the recorded session. */
  get positionMs() {
    if (!this.running) return this.clock.positionMs;
    const elapsed = (this.now() - this.clock.at) * this.rate;
    return Math.min(this.durationMs, this.clock.positionMs + elapsed);
  }

  play() {
    if (this.running || this.readyState === CLOSED) return;
    if (this.positionMs >= this.durationMs) return;
    this.clock = { positionMs: this.clock.positionMs, at: this.now() };
    this.running = true;
    this.schedule();
    this.options.onChange?.();
  }

  pause() {
    if (!this.running) return;
    this.clock = { positionMs: this.positionMs, at: this.now() };
    this.running = false;
    this.stop();
    this.options.onChange?.();
  }

  setSpeed(speed: number) {
    if (!(speed > 0)) return;
    this.clock = { positionMs: this.positionMs, at: this.now() };
    this.rate = speed;
    if (this.running) this.schedule();
  }

  /**
   * Hands noVNC every frame up to `targetMs` without waiting, and goes on
   * from there if playing. Only forward: an earlier position needs a new
   * channel.
   */
  seek(targetMs: number) {
    if (this.readyState === CLOSED) return;
    const target = Math.max(0, Math.min(this.durationMs, targetMs));
    if (target < this.positionMs) {
      throw new Error('A recording channel cannot go back in time');
    }
    this.stop();
    this.clock = { positionMs: target, at: this.now() };
    this.seeking = true;
    this.deliverUpTo(target, () => {
      this.seeking = false;
      this.clock = { positionMs: target, at: this.now() };
      if (this.running) this.schedule();
      this.options.onChange?.();
    });
  }

  private now() {
    return (this.options.now ?? (() => performance.now()))();
  }

  private stop() {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Delivers frames up to `targetMs` in batches, then calls `done`. */
  private deliverUpTo(targetMs: number, done: () => void) {
    let bytes = 0;
    while (
      this.delivered < this.frames.length &&
      this.frames[this.delivered].atMs <= targetMs
    ) {
      if (this.readyState === CLOSED) return;
      if (bytes >= SEEK_BATCH_BYTES) {
        this.timer = setTimeout(() => this.deliverUpTo(targetMs, done));
        return;
      }
      const { data } = this.frames[this.delivered];
      this.delivered += 1;
      bytes += data.byteLength;
      this.deliver(data);
    }
    done();
  }

  private deliver(data: Uint8Array) {
    // noVNC reads the whole buffer, so a frame that is a view into the file
    // gets a buffer of its own.
    const buffer = data.buffer.slice(
      data.byteOffset,
      data.byteOffset + data.byteLength,
    );
    this.onmessage?.({ data: buffer } as MessageEvent);
  }

  private schedule() {
    this.stop();
    if (!this.running || this.seeking) return;
    const position = this.positionMs;
    const next = this.frames[this.delivered];
    const dueMs = next ? next.atMs : this.durationMs;
    this.timer = setTimeout(
      () => this.tick(),
      Math.max(0, (dueMs - position) / this.rate),
    );
  }

  private tick() {
    this.timer = undefined;
    const position = this.positionMs;
    while (
      this.delivered < this.frames.length &&
      this.frames[this.delivered].atMs <= position
    ) {
      const { data } = this.frames[this.delivered];
      this.delivered += 1;
      this.deliver(data);
      if (this.readyState === CLOSED) return;
    }
    if (this.delivered >= this.frames.length && position >= this.durationMs) {
      this.clock = { positionMs: this.durationMs, at: this.now() };
      this.running = false;
      this.options.onChange?.();
      return;
    }
    this.schedule();
  }
}
