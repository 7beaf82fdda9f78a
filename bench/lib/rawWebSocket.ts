/*
 * A websocket client that hands on each frame's payload as slices of what the
 * socket read, without assembling messages. RFB is a byte stream, so message
 * boundaries do not matter to it, and the benchmark's client then costs the
 * websockify and portal paths as little as the direct one: what differs
 * between them is the relay.
 */
import crypto from 'crypto';
import http from 'http';
import type { Socket } from 'net';
import type { Transport } from '@internal/test-support';

const OP_CLOSE = 0x8;
const OP_PING = 0x9;

/** One client frame: FIN, the opcode, and the payload masked as RFC 6455 asks. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let extra = 8;
  if (length < 126) extra = 0;
  else if (length < 65536) extra = 2;
  const header = Buffer.alloc(2 + extra + 4);
  header[0] = 0x80 | opcode;
  if (extra === 0) header[1] = 0x80 | length;
  else if (extra === 2) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = crypto.randomBytes(4);
  mask.copy(header, 2 + extra);
  const masked = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([header, masked]);
}

/** Splits a server's byte stream into frames, passing data payloads on as they arrive. */
function frameReader(socket: Socket, onPayload: (data: Buffer) => void) {
  let header = Buffer.alloc(0);
  let remaining = 0;
  let opcode = 0;
  let control: Buffer[] = [];

  const endControl = () => {
    const body = Buffer.concat(control);
    control = [];
    if (opcode === OP_PING && socket.writable) socket.write(frame(0xa, body));
    // The server's close answers ours, or asks for one.
    else if (opcode === OP_CLOSE && socket.writable)
      socket.end(frame(OP_CLOSE, body.subarray(0, 2)));
  };

  return (chunk: Buffer) => {
    let rest = chunk;
    while (rest.length > 0) {
      if (remaining > 0) {
        const part = rest.subarray(0, Math.min(remaining, rest.length));
        remaining -= part.length;
        rest = rest.subarray(part.length);
        if (opcode >= OP_CLOSE) {
          control.push(part);
          if (remaining === 0) endControl();
        } else {
          onPayload(part);
        }
        continue;
      }
      header = header.length ? Buffer.concat([header, rest]) : rest;
      rest = Buffer.alloc(0);
      if (header.length < 2) return;
      let length = header[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (header.length < 4) return;
        length = header.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (header.length < 10) return;
        length = Number(header.readBigUInt64BE(2));
        offset = 10;
      }
      const op = header[0] & 0x0f;
      // A continuation frame keeps the opcode of the message it continues.
      if (op !== 0) opcode = op;
      remaining = length;
      rest = header.subarray(offset);
      header = Buffer.alloc(0);
      if (remaining === 0 && opcode >= OP_CLOSE) endControl();
    }
  };
}

/** Opens a websocket to `url` and returns it as an RFB transport; `onClose` hears its socket close. */
export function openRawWebSocket(
  url: string,
  protocols: string[],
  origin?: string,
): Promise<Transport & { onClose(listener: () => void): void }> {
  const target = new URL(url.replace(/^ws/, 'http'));
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
        'Sec-WebSocket-Protocol': protocols.join(', '),
        ...(origin ? { Origin: origin } : {}),
      },
    });
    req.on('response', res =>
      reject(new Error(`upgrade refused: ${res.statusCode}`)),
    );
    req.on('error', reject);
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      socket.setNoDelay(true);
      // A benchmark client closing its end; nothing to report.
      socket.on('error', () => undefined);
      const early: Buffer[] = [];
      let listener: ((data: Buffer) => void) | undefined;
      const read = frameReader(socket, data =>
        listener ? listener(data) : early.push(data),
      );
      socket.on('data', read);
      if (head.length) read(head);
      resolve({
        send: data => {
          socket.write(frame(0x2, data));
        },
        onData: l => {
          listener = l;
          early.splice(0).forEach(l);
        },
        close: () => {
          if (socket.writable)
            socket.end(frame(OP_CLOSE, Buffer.from([0x03, 0xe8])));
        },
        onClose: l => socket.once('close', l),
      });
    });
    req.end();
  });
}
