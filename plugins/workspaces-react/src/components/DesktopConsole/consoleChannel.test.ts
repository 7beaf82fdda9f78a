import { ConsoleChannel } from './consoleChannel';

// noVNC's own websocket wrapper, which checks a channel's shape on attach.
// The package exports only its RFB module, so it is found beside that.
const Websock = require(require
  .resolve('@novnc/novnc')
  .replace(/rfb\.js$/, 'websock.js')).default;

class FakeSocket extends EventTarget {
  binaryType = 'blob';
  readyState = 1;
  protocol = 'binary';
  sent: unknown[] = [];
  send(data: unknown) {
    this.sent.push(data);
  }
  close() {}
}

describe('ConsoleChannel', () => {
  it('is a channel noVNC accepts, and passes RFB to it without the control frames', () => {
    const socket = new FakeSocket();
    const channel = new ConsoleChannel(socket as unknown as WebSocket);
    const sock = new Websock();
    const received: number[] = [];
    sock.on('message', () => {
      received.push(sock.rQlen());
      sock.rQskipBytes(sock.rQlen());
    });
    expect(() => sock.attach(channel)).not.toThrow();
    expect(socket.binaryType).toBe('arraybuffer');
    socket.dispatchEvent(
      new MessageEvent('message', { data: new Uint8Array([1, 2, 3]).buffer }),
    );
    socket.dispatchEvent(
      new MessageEvent('message', {
        data: '{"type":"pong","id":1,"idleMs":0,"idleTimeoutMs":1,"viewers":1}',
      }),
    );
    expect(received).toEqual([3]);
    expect(channel.bytesReceived).toBe(3);
  });

  it("measures the round trip and notes input by the proxy's rule", () => {
    const socket = new FakeSocket();
    let now = 1000;
    const channel = new ConsoleChannel(
      socket as unknown as WebSocket,
      () => now,
    );
    channel.ping();
    const { id } = JSON.parse(socket.sent[0] as string);
    now = 1035;
    socket.dispatchEvent(
      new MessageEvent('message', {
        data: JSON.stringify({
          type: 'pong',
          id,
          idleMs: 5000,
          idleTimeoutMs: 60000,
          viewers: 2,
        }),
      }),
    );
    expect(channel.roundTripMs).toBe(35);
    expect(channel.lastPong).toMatchObject({
      at: 1035,
      idleMs: 5000,
      viewers: 2,
    });

    channel.send(Uint8Array.of(3, 1, 0, 0, 0, 0, 4, 0, 3, 0));
    expect(channel.lastInputAt).toBeUndefined();
    now = 1100;
    channel.send(Uint8Array.of(4, 1, 0, 0, 0, 0, 0, 0x61));
    expect(channel.lastInputAt).toBe(1100);
    expect(socket.sent).toHaveLength(3);
  });
});
