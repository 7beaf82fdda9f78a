import net from 'net';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';

/** Reads exact byte counts from a stream that delivers them in any chunks. */
export function byteReader(stream: Duplex) {
  let buffered = Buffer.alloc(0);
  let waiting: { n: number; resolve: (b: Buffer) => void } | undefined;
  const serve = () => {
    if (!waiting || buffered.length < waiting.n) return;
    const { n, resolve } = waiting;
    waiting = undefined;
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    resolve(out);
  };
  stream.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    serve();
  });
  return (n: number) =>
    new Promise<Buffer>(resolve => {
      waiting = { n, resolve };
      serve();
    });
}

/** ClientCutText (client) or ServerCutText (server): type, 3 padding, length, Latin-1 text (RFC 6143 7.5.6, 7.6.4). */
export function cutText(type: 6 | 3, text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const head = Buffer.alloc(8);
  head[0] = type;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

const SERVER_NAME = 'alice-dev:0 (alice)';

/**
 * A guest's VNC server as TigerVNC on the desktop session answers: RFB 3.8,
 * security type None, ServerInit, clipboard both ways. A viewer whose
 * ClientInit asks not to share disconnects the others (RFC 6143 7.3.1),
 * unless `alwaysShared`, as the golden images configure it.
 */
export async function startGuestRfbServer(
  options: { silent?: boolean; alwaysShared?: boolean } = {},
) {
  const viewers = new Set<net.Socket>();
  const clipboard: string[] = [];
  const server = net.createServer(socket => {
    socket.on('error', () => {});
    if (options.silent) return;
    const read = byteReader(socket);
    (async () => {
      socket.write('RFB 003.008\n');
      await read(12);
      socket.write(Buffer.from([1, 1])); // one security type: None
      await read(1);
      socket.write(Buffer.alloc(4)); // SecurityResult OK
      const [shared] = await read(1);
      if (!shared && !options.alwaysShared) {
        for (const other of viewers) other.destroy();
      }
      viewers.add(socket);
      socket.on('close', () => viewers.delete(socket));
      const init = Buffer.alloc(24);
      init.writeUInt16BE(1280, 0);
      init.writeUInt16BE(800, 2);
      init.writeUInt32BE(SERVER_NAME.length, 20);
      socket.write(Buffer.concat([init, Buffer.from(SERVER_NAME)]));
      for (;;) {
        const [type] = await read(1);
        if (type !== 6) throw new Error(`unexpected client message ${type}`);
        const head = await read(7);
        clipboard.push((await read(head.readUInt32BE(3))).toString('latin1'));
      }
    })().catch(() => socket.destroy());
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    /** Clipboard texts viewers sent, in order. */
    clipboard,
    viewers: () => viewers.size,
    /** Copies text in the guest: every viewer gets it. */
    copy: (text: string) => viewers.forEach(v => v.write(cutText(3, text))),
    close: async () => {
      viewers.forEach(v => v.destroy());
      await new Promise(r => server.close(r));
    },
  };
}

/** A viewer's side of the handshake over a console stream; resolves with ServerInit's desktop name. */
export async function viewerHandshake(
  read: (n: number) => Promise<Buffer>,
  stream: Duplex,
  shared = true,
): Promise<string> {
  expect((await read(12)).toString()).toBe('RFB 003.008\n');
  stream.write('RFB 003.008\n');
  const [count] = await read(1);
  expect([...(await read(count))]).toEqual([1]);
  stream.write(Buffer.from([1]));
  expect((await read(4)).readUInt32BE(0)).toBe(0);
  stream.write(Buffer.from([shared ? 1 : 0]));
  const init = await read(24);
  return (await read(init.readUInt32BE(20))).toString();
}
