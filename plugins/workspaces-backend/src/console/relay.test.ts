import { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import { PassThrough } from 'stream';
import WebSocket, { WebSocketServer } from 'ws';
import { relayToBrowser, SEND_AT_ONCE } from './relay';

/** A real websocket pair on loopback; the relay runs on the server's end. */
async function pair() {
  const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
  await new Promise(resolve => wss.once('listening', resolve));
  const port = (wss.address() as AddressInfo).port;
  const serverEnd = new Promise<{ ws: WebSocket; socket: Duplex }>(resolve =>
    wss.once('connection', (ws, req) =>
      resolve({ ws, socket: req.socket as Duplex }),
    ),
  );
  const browser = new WebSocket(`ws://127.0.0.1:${port}`, {
    perMessageDeflate: false,
  });
  const messages: Buffer[] = [];
  browser.on('message', data => messages.push(data as Buffer));
  await new Promise(resolve => browser.once('open', resolve));
  const server = await serverEnd;
  return {
    ...server,
    messages,
    close: async () => {
      browser.terminate();
      await new Promise(resolve => wss.close(resolve));
    },
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) {
    await new Promise(r => setTimeout(r, 10));
  }
};

describe('relayToBrowser', () => {
  it('sends what the desktop wrote in one pass as one message, in order, and taps every chunk', async () => {
    const { ws, socket, messages, close } = await pair();
    const upstream = new PassThrough();
    const tapped: Buffer[] = [];
    relayToBrowser({
      upstream,
      ws,
      socket,
      highWaterMark: 1024 * 1024,
      onChunk: c => tapped.push(c),
      isFinished: () => false,
    });
    // Each as large as a burst's reads, so none goes out on its own.
    const chunks = [0, 1, 2, 3, 4].map(i => Buffer.alloc(SEND_AT_ONCE + i, i));
    chunks.forEach(c => upstream.write(c));
    await until(() => messages.length > 0);
    await new Promise(r => setTimeout(r, 50));
    expect(messages).toHaveLength(1);
    expect(messages[0].equals(Buffer.concat(chunks))).toBe(true);
    expect(Buffer.concat(tapped).equals(Buffer.concat(chunks))).toBe(true);
    await close();
  });

  it('keeps each message within the bound', async () => {
    const { ws, socket, messages, close } = await pair();
    const upstream = new PassThrough();
    relayToBrowser({
      upstream,
      ws,
      socket,
      highWaterMark: 1024 * 1024,
      maxMessage: 3 * SEND_AT_ONCE,
      onChunk: () => {},
      isFinished: () => false,
    });
    const chunks = Array.from({ length: 9 }, (_, i) =>
      Buffer.alloc(SEND_AT_ONCE, i),
    );
    chunks.forEach(c => upstream.write(c));
    await until(() => Buffer.concat(messages).length === 9 * SEND_AT_ONCE);
    expect(messages.map(m => m.length)).toEqual([
      3 * SEND_AT_ONCE,
      3 * SEND_AT_ONCE,
      3 * SEND_AT_ONCE,
    ]);
    expect(Buffer.concat(messages).equals(Buffer.concat(chunks))).toBe(true);
    await close();
  });

  it('sends what is pending at once when the session ends', async () => {
    const { ws, socket, messages, close } = await pair();
    const upstream = new PassThrough();
    const relay = relayToBrowser({
      upstream,
      ws,
      socket,
      highWaterMark: 1024 * 1024,
      onChunk: () => {},
      isFinished: () => false,
    });
    // Large enough to wait for the end of the pass.
    const last = Buffer.alloc(SEND_AT_ONCE, 'last words');
    upstream.write(last);
    // 'data' comes on the next tick; the session ends right after it.
    await new Promise(r => process.nextTick(r));
    relay.flush();
    ws.close(1000, 'bye');
    await until(() => messages.length > 0);
    expect(messages).toHaveLength(1);
    expect(messages[0].equals(last)).toBe(true);
    await close();
  });

  it('sends a small update that arrives alone at once, and still holds a large one to the end of the pass', async () => {
    const sent: number[] = [];
    const ws = {
      bufferedAmount: 0,
      send: (d: Buffer, o: { fin: boolean }) => {
        if (o.fin) sent.push(d.length);
      },
    };
    const upstream = new PassThrough();
    relayToBrowser({
      upstream,
      ws,
      socket: { cork() {}, uncork() {} },
      highWaterMark: 1024 * 1024,
      onChunk: () => {},
      isFinished: () => false,
    });
    // Listeners run in order: this one sees what the relay did with the chunk.
    const sentOnRead = () =>
      new Promise<number[]>(resolve =>
        upstream.once('data', () => resolve([...sent])),
      );
    let read = sentOnRead();
    upstream.write(Buffer.alloc(300));
    expect(await read).toEqual([300]);
    read = sentOnRead();
    upstream.write(Buffer.alloc(SEND_AT_ONCE));
    expect(await read).toEqual([300]);
    await new Promise(r => setImmediate(r));
    expect(sent).toEqual([300, SEND_AT_ONCE]);
  });

  it('stops reading while the browser has more than the high-water mark queued, and resumes once it is sent', async () => {
    const sent: Array<() => void> = [];
    let buffered = 0;
    const ws = {
      get bufferedAmount() {
        return buffered;
      },
      send: (_d: Buffer, o: { fin: boolean }, cb?: () => void) => {
        if (o.fin && cb) sent.push(cb);
      },
    };
    const upstream = new PassThrough();
    let finished = false;
    relayToBrowser({
      upstream,
      ws,
      socket: { cork() {}, uncork() {} },
      highWaterMark: 100,
      onChunk: () => {},
      isFinished: () => finished,
    });
    upstream.write(Buffer.alloc(50));
    await new Promise(r => setImmediate(r));
    expect(upstream.isPaused()).toBe(false);
    buffered = 80;
    upstream.write(Buffer.alloc(50));
    await new Promise(r => setImmediate(r));
    expect(upstream.isPaused()).toBe(true);
    expect(sent).toHaveLength(1);
    sent[0]();
    expect(upstream.isPaused()).toBe(false);
    // A session that ended meanwhile stays stopped.
    upstream.write(Buffer.alloc(50));
    await new Promise(r => setImmediate(r));
    finished = true;
    sent[1]();
    expect(upstream.isPaused()).toBe(true);
  });
});
