import type { Duplex } from 'stream';

/**
 * The most one websocket message to the browser carries. What a desktop sends
 * in one burst (a full-screen update) becomes one message up to this size.
 */
export const MAX_MESSAGE = 1024 * 1024;

/**
 * A chunk smaller than this that finds nothing pending goes out at once: it
 * is a key's echo or a pointer's move, what a person waits for, and waiting
 * for the pass to end cost such updates up to several ms on a busy loop
 * (bench/README.md, input latency). A burst read from a socket starts with a
 * full 64 KiB read, so it is batched as before; a stream that hands a burst
 * over in smaller pieces sends its first piece alone and batches the rest.
 */
export const SEND_AT_ONCE = 16 * 1024;

const FRAGMENT = { binary: true, fin: false } as const;
const LAST = { binary: true, fin: true } as const;

/** The browser's end as the relay uses it: ws's `WebSocket` fits. */
export interface BrowserEnd {
  send(
    data: Buffer,
    options: { binary: boolean; fin: boolean },
    cb?: (error?: Error) => void,
  ): void;
  readonly bufferedAmount: number;
}

export interface RelayToBrowser {
  /** Sends what arrived and is not sent yet, as the session ends. */
  flush(): void;
}

/**
 * Relays the desktop's bytes to the browser. Everything the desktop's socket
 * yields in one pass of the event loop (libuv reads up to 32 chunks of 64 KiB
 * per pass) goes out as one websocket message, its chunks as fragments of
 * that message written with one system call (the browser's socket is corked
 * meanwhile), so nothing is copied to join them. Sending a message per chunk
 * instead costs a write per 64 KiB and, with Nagle off, a short TCP segment
 * per write; the profile in bench/README.md showed those writes as most of
 * the relay's time. A small update on its own is not held back
 * (`SEND_AT_ONCE`).
 */
export function relayToBrowser(options: {
  upstream: Duplex;
  ws: BrowserEnd;
  /** The socket under `ws`, corked while a message's fragments are queued. */
  socket: { cork(): void; uncork(): void };
  /** Above this many bytes queued towards the browser, reading stops. */
  highWaterMark: number;
  maxMessage?: number;
  sendAtOnce?: number;
  /** Sees every chunk in order, as it arrives: byte counts, recording. */
  onChunk(chunk: Buffer): void;
  isFinished(): boolean;
}): RelayToBrowser {
  const { upstream, ws, socket, highWaterMark, onChunk, isFinished } = options;
  const maxMessage = options.maxMessage ?? MAX_MESSAGE;
  const sendAtOnce = options.sendAtOnce ?? SEND_AT_ONCE;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let scheduled: NodeJS.Immediate | undefined;

  const resume = () => {
    if (!isFinished()) upstream.resume();
  };

  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0) return;
    const chunks = pending;
    // A slow browser slows the desktop instead of growing memory: reading
    // resumes once this message has reached the browser's socket.
    const slow = ws.bufferedAmount + pendingBytes > highWaterMark;
    pending = [];
    pendingBytes = 0;
    if (slow) upstream.pause();
    const last = chunks.length - 1;
    socket.cork();
    for (let i = 0; i < last; i++) ws.send(chunks[i], FRAGMENT);
    ws.send(chunks[last], LAST, slow ? resume : undefined);
    socket.uncork();
  };

  upstream.on('data', (chunk: Buffer) => {
    onChunk(chunk);
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (
      pendingBytes >= maxMessage ||
      (pending.length === 1 && chunk.length < sendAtOnce)
    ) {
      flush();
    }
    // After the poll phase: whatever else the socket has read by then joins.
    else if (!scheduled) scheduled = setImmediate(flush);
  });
  return { flush };
}
