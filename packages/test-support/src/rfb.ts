import net from 'net';
import type { Duplex } from 'stream';

/**
 * Just enough RFB 3.8 for measuring a relay: the handshake with security
 * type None, raw framebuffer updates, and 1x1 updates as the smallest
 * request/response pair the protocol has.
 */

/** What an RFB 3.8 server says first, and what this client answers (RFC 6143 §7.1.1). */
export const RFB_VERSION = 'RFB 003.008\n';

export interface Transport {
  send(data: Buffer): void;
  onData(listener: (data: Buffer) => void): void;
  close(): void;
}

/**
 * A transport over a websocket that may already be receiving. A server that
 * speaks first can have its first message parsed in the same tick as 'open',
 * so messages are kept from the start until the reader subscribes.
 */
export function websocketTransport(ws: {
  on(event: 'message', listener: (data: Buffer) => void): unknown;
  send(data: Buffer): void;
  close(): void;
}): Transport {
  const early: Buffer[] = [];
  let listener: ((d: Buffer) => void) | undefined;
  ws.on('message', d => (listener ? listener(d) : early.push(d)));
  return {
    send: d => ws.send(d),
    onData: l => {
      listener = l;
      early.splice(0).forEach(l);
    },
    close: () => ws.close(),
  };
}

export function socketTransport(socket: Duplex): Transport {
  return {
    send: d => socket.write(d),
    onData: l => socket.on('data', l),
    close: () => socket.destroy(),
  };
}

/** Reads exact byte counts from a stream of chunks. */
export class ByteReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private waiter?: { n: number; resolve: (b: Buffer) => void };

  push(data: Buffer) {
    this.chunks.push(data);
    this.length += data.length;
    this.drain();
  }

  read(n: number): Promise<Buffer> {
    return new Promise(resolve => {
      this.waiter = { n, resolve };
      this.drain();
    });
  }

  /** Discards n bytes without copying them: the hot path of throughput runs. */
  skip(n: number): Promise<void> {
    return this.read(-n).then(() => undefined);
  }

  private drain() {
    const w = this.waiter;
    if (!w) return;
    const n = Math.abs(w.n);
    if (this.length < n) return;
    this.waiter = undefined;
    let out: Buffer;
    if (w.n < 0) {
      let left = n;
      while (left > 0) {
        const c = this.chunks[0];
        if (c.length <= left) {
          left -= c.length;
          this.chunks.shift();
        } else {
          this.chunks[0] = c.subarray(left);
          left = 0;
        }
      }
      out = Buffer.alloc(0);
    } else {
      const all = Buffer.concat(this.chunks);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.length -= n;
    w.resolve(out);
  }
}

export class RfbClient {
  private readonly reader = new ByteReader();
  width = 0;
  height = 0;
  /** The server's ProtocolVersion as it sent it, once the handshake has read it. */
  version = '';

  constructor(private readonly transport: Transport) {
    transport.onData(d => this.reader.push(d));
  }

  async handshake() {
    const version = await this.reader.read(12);
    this.version = version.toString('latin1');
    if (!version.toString().startsWith('RFB 003.00')) {
      throw new Error(
        `not an RFB server: ${JSON.stringify(version.toString())}`,
      );
    }
    this.transport.send(Buffer.from(RFB_VERSION));
    const count = (await this.reader.read(1))[0];
    if (count === 0) {
      // No security types is a refusal, and the reason follows (RFC 6143 §7.1.2).
      const length = (await this.reader.read(4)).readUInt32BE(0);
      const reason = (await this.reader.read(length)).toString('utf8');
      throw new Error(`the server refused the session: ${reason}`);
    }
    const types = await this.reader.read(count);
    if (!types.includes(1))
      throw new Error(`server offers no security type None: ${[...types]}`);
    this.transport.send(Buffer.from([1]));
    const result = await this.reader.read(4);
    if (result.readUInt32BE(0) !== 0)
      throw new Error('security handshake failed');
    this.transport.send(Buffer.from([1])); // shared
    const init = await this.reader.read(24);
    this.width = init.readUInt16BE(0);
    this.height = init.readUInt16BE(2);
    await this.reader.read(init.readUInt32BE(20));
    // 32 bpp true colour and raw encoding only, so sizes are predictable.
    const pf = Buffer.alloc(20);
    pf[0] = 0;
    pf.set([32, 24, 0, 1], 4);
    pf.writeUInt16BE(255, 8);
    pf.writeUInt16BE(255, 10);
    pf.writeUInt16BE(255, 12);
    pf.set([16, 8, 0], 14);
    this.transport.send(pf);
    const enc = Buffer.alloc(8);
    enc[0] = 2;
    enc.writeUInt16BE(1, 2);
    enc.writeInt32BE(0, 4);
    this.transport.send(enc);
  }

  request(incremental: boolean, x: number, y: number, w: number, h: number) {
    const b = Buffer.alloc(10);
    b[0] = 3;
    b[1] = incremental ? 1 : 0;
    b.writeUInt16BE(x, 2);
    b.writeUInt16BE(y, 4);
    b.writeUInt16BE(w, 6);
    b.writeUInt16BE(h, 8);
    this.transport.send(b);
  }

  /** Reads one FramebufferUpdate with raw rectangles; returns its byte count. */
  async readUpdate(): Promise<number> {
    for (;;) {
      const type = (await this.reader.read(1))[0];
      if (type === 0) break;
      if (type === 2) continue; // bell
      if (type === 3) {
        const h = await this.reader.read(7);
        await this.reader.skip(h.readUInt32BE(3));
        continue;
      }
      throw new Error(`unexpected server message ${type}`);
    }
    const head = await this.reader.read(3);
    const rects = head.readUInt16BE(1);
    let bytes = 4;
    for (let i = 0; i < rects; i++) {
      const r = await this.reader.read(12);
      const w = r.readUInt16BE(4);
      const h = r.readUInt16BE(6);
      const encoding = r.readInt32BE(8);
      if (encoding !== 0) throw new Error(`unexpected encoding ${encoding}`);
      await this.reader.skip(w * h * 4);
      bytes += 12 + w * h * 4;
    }
    return bytes;
  }

  close() {
    this.transport.close();
  }
}

/**
 * An RFB server that answers every update request at once with the requested
 * region in raw encoding, incremental or not.
 * It stands in for a desktop at rates a real X server cannot produce.
 */
export function startSyntheticRfbServer(options: {
  width: number;
  height: number;
}) {
  const frame = Buffer.alloc(options.width * options.height * 4, 0x5a);
  const server = net.createServer(socket => {
    socket.setNoDelay(true);
    const reader = new ByteReader();
    socket.on('data', (d: Buffer) => reader.push(d));
    socket.on('error', () => socket.destroy());
    socket.write(RFB_VERSION);
    (async () => {
      await reader.read(12);
      socket.write(Buffer.from([1, 1]));
      await reader.read(1);
      socket.write(Buffer.from([0, 0, 0, 0]));
      await reader.read(1);
      const init = Buffer.alloc(24 + 9);
      init.writeUInt16BE(options.width, 0);
      init.writeUInt16BE(options.height, 2);
      init.set([32, 24, 0, 1], 4);
      init.writeUInt32BE(9, 20);
      init.write('synthetic', 24);
      socket.write(init);
      for (;;) {
        const type = (await reader.read(1))[0];
        if (type === 0) await reader.read(19);
        else if (type === 2) {
          const h = await reader.read(3);
          await reader.read(h.readUInt16BE(1) * 4);
        } else if (type === 3) {
          const r = await reader.read(9);
          const w = Math.min(r.readUInt16BE(5), options.width);
          const h = Math.min(r.readUInt16BE(7), options.height);
          const head = Buffer.alloc(16);
          head[0] = 0;
          head.writeUInt16BE(1, 2);
          head.writeUInt16BE(r.readUInt16BE(1), 4);
          head.writeUInt16BE(r.readUInt16BE(3), 6);
          head.writeUInt16BE(w, 8);
          head.writeUInt16BE(h, 10);
          head.writeInt32BE(0, 12);
          socket.write(head);
          socket.write(frame.subarray(0, w * h * 4));
        } else if (type === 4) await reader.read(7);
        else if (type === 5) await reader.read(5);
        else if (type === 6) {
          const h = await reader.read(7);
          await reader.read(h.readUInt32BE(3));
        } else {
          socket.destroy();
          return;
        }
      }
    })().catch(() => socket.destroy());
  });
  return new Promise<{ port: number; close(): void }>(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => server.close(),
      }),
    ),
  );
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}
