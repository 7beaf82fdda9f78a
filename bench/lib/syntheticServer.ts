// The synthetic RFB server in its own process, so it does not share a CPU
// thread with the benchmark's clients. Prints its port when ready.
// It answers as the test-support server does (RFB 3.8, security None, every
// update request at once with the region in raw encoding) but parses with
// plain callbacks and answers with one corked write, so that at 1,000
// sessions of 30 requests a second the desktop's side is not what limits a
// benchmark.
import net from 'net';
import { RFB_VERSION } from '@internal/test-support';

const width = Number(process.argv[2] ?? 1024);
const height = Number(process.argv[3] ?? 768);
const frame = Buffer.alloc(width * height * 4, 0x5a);
const serverInit = Buffer.alloc(24 + 9);
serverInit.writeUInt16BE(width, 0);
serverInit.writeUInt16BE(height, 2);
serverInit.set([32, 24, 0, 1], 4);
serverInit.writeUInt32BE(9, 20);
serverInit.write('synthetic', 24);

/** Bytes the client message at `b[at]` needs in all, or 0 until that is known; -1 if unknown. */
function messageLength(b: Buffer, at: number): number {
  const left = b.length - at;
  switch (b[at]) {
    case 0:
      return 20; // SetPixelFormat
    case 2:
      return left < 4 ? 0 : 4 + 4 * b.readUInt16BE(at + 2); // SetEncodings
    case 3:
      return 10; // FramebufferUpdateRequest
    case 4:
      return 8; // KeyEvent
    case 5:
      return 6; // PointerEvent
    case 6:
      return left < 8 ? 0 : 8 + b.readUInt32BE(at + 4); // ClientCutText
    default:
      return -1;
  }
}

function answerUpdate(socket: net.Socket, b: Buffer, at: number) {
  const w = Math.min(b.readUInt16BE(at + 6), width);
  const h = Math.min(b.readUInt16BE(at + 8), height);
  const head = Buffer.alloc(16);
  head.writeUInt16BE(1, 2);
  head.writeUInt16BE(b.readUInt16BE(at + 2), 4);
  head.writeUInt16BE(b.readUInt16BE(at + 4), 6);
  head.writeUInt16BE(w, 8);
  head.writeUInt16BE(h, 10);
  socket.cork();
  socket.write(head);
  socket.write(frame.subarray(0, w * h * 4));
  socket.uncork();
}

const server = net.createServer(socket => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  // Handshake steps: the bytes each awaits and what answers it.
  const handshake: Array<[number, Buffer]> = [
    [12, Buffer.from([1, 1])], // version -> security types: None
    [1, Buffer.alloc(4)], // chosen type -> SecurityResult OK
    [1, serverInit], // ClientInit -> ServerInit
  ];
  let rest = Buffer.alloc(0);
  socket.write(RFB_VERSION);
  socket.on('data', (chunk: Buffer) => {
    const b = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let at = 0;
    for (;;) {
      if (handshake.length) {
        const [need, answer] = handshake[0];
        if (b.length - at < need) break;
        at += need;
        handshake.shift();
        socket.write(answer);
        continue;
      }
      if (at >= b.length) break;
      const length = messageLength(b, at);
      if (length < 0) {
        socket.destroy();
        return;
      }
      if (length === 0 || b.length - at < length) break;
      if (b[at] === 3) answerUpdate(socket, b, at);
      at += length;
    }
    rest = b.subarray(at);
  });
});

server.listen(0, '127.0.0.1', () =>
  process.send?.({ port: (server.address() as net.AddressInfo).port }),
);
