import type { Duplex } from 'stream';

/** What QEMU's VNC server says first (RFC 6143 §7.1.1). */
export const RFB_VERSION = 'RFB 003.008\n';

/**
 * Reads exact byte counts from a console stream, as an RFB client must, and
 * remembers how the stream ended: the provider ends a console with the
 * error that says why (another viewer, a stopped desktop).
 */
export class ByteReader {
  private buffer = Buffer.alloc(0);
  private endedWith?: Error | 'end';
  private readonly waiters = new Set<() => void>();

  constructor(readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.notify();
    });
    stream.on('error', error => this.finish(error));
    stream.on('end', () => this.finish('end'));
    stream.on('close', () => this.finish('end'));
  }

  private finish(how: Error | 'end') {
    // The error arrives before `close`; it is the one that explains.
    this.endedWith ??= how;
    this.notify();
  }

  private notify() {
    for (const wake of this.waiters) wake();
  }

  /** Until something arrives or the stream ends, at most `ms`. */
  private change(ms: number) {
    return new Promise<void>(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  /** Resolves with exactly `n` bytes, or rejects when they do not come in time. */
  async read(n: number, timeoutMs: number): Promise<Buffer> {
    const until = Date.now() + timeoutMs;
    while (this.buffer.length < n) {
      if (this.endedWith) {
        throw new Error(
          `The console ended after ${this.buffer.length} of ${n} bytes: ${
            this.endedWith === 'end' ? 'closed' : this.endedWith.message
          }`,
        );
      }
      const left = until - Date.now();
      if (left <= 0) {
        throw new Error(
          `The console sent ${this.buffer.length} of ${n} bytes within ${timeoutMs} ms`,
        );
      }
      await this.change(left);
    }
    const bytes = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return bytes;
  }

  /**
   * How the stream ended: its error, or undefined for a clean end. Rejects
   * when it is still open after `timeoutMs`.
   */
  async ended(timeoutMs: number): Promise<Error | undefined> {
    const until = Date.now() + timeoutMs;
    while (!this.endedWith) {
      const left = until - Date.now();
      if (left <= 0) {
        throw new Error(`The console was still open after ${timeoutMs} ms`);
      }
      await this.change(left);
    }
    return this.endedWith === 'end' ? undefined : this.endedWith;
  }
}

export interface RfbSession {
  version: string;
  /** Set when the server offered no authentication and the handshake went on to ServerInit. */
  screen?: { width: number; height: number; name: string };
}

/**
 * The RFB 3.8 handshake up to ServerInit (RFC 6143 §7.1–7.3.2), so that the
 * session is a real viewer's that holds the seat, not a socket that merely
 * opened. KubeVirt reaches QEMU over a UNIX socket without authentication, so
 * the server offers security type None; a server that does not is reported
 * with its version only.
 */
export async function rfbHandshake(
  reader: ByteReader,
  timeoutMs: number,
): Promise<RfbSession> {
  const version = (await reader.read(12, timeoutMs)).toString('latin1');
  if (version !== RFB_VERSION) return { version };
  reader.stream.write(Buffer.from(RFB_VERSION, 'latin1'));

  const count = (await reader.read(1, timeoutMs))[0];
  if (count === 0) {
    const length = (await reader.read(4, timeoutMs)).readUInt32BE(0);
    const reason = (await reader.read(length, timeoutMs)).toString('utf8');
    throw new Error(`The VNC server refused the session: ${reason}`);
  }
  const types = [...(await reader.read(count, timeoutMs))];
  const NONE = 1;
  if (!types.includes(NONE)) return { version };
  reader.stream.write(Buffer.from([NONE]));
  const result = (await reader.read(4, timeoutMs)).readUInt32BE(0);
  if (result !== 0) {
    throw new Error(`The VNC server failed security type None (${result})`);
  }
  // ClientInit: shared, so this viewer asks nobody to leave; the seat is KubeVirt's business.
  reader.stream.write(Buffer.from([1]));
  const init = await reader.read(24, timeoutMs);
  const nameLength = init.readUInt32BE(20);
  const name = (await reader.read(nameLength, timeoutMs)).toString('utf8');
  return {
    version,
    screen: { width: init.readUInt16BE(0), height: init.readUInt16BE(2), name },
  };
}
