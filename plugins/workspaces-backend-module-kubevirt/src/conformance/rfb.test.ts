import { Duplex, PassThrough } from 'stream';
import { ConsoleInUseError } from '@desktop-mania/plugin-workspaces-common';
import { ByteReader, RFB_VERSION, rfbHandshake } from './rfb';

/**
 * A console stream whose far end is a scripted RFB server: each answer is
 * sent once the client has written what the server waits for.
 */
function scriptedServer(script: Array<{ expect?: number; send: Buffer }>) {
  const toClient = new PassThrough();
  const fromClient: Buffer[] = [];
  let pending = Buffer.alloc(0);
  let step = 0;
  const advance = () => {
    while (step < script.length) {
      const { expect: wanted = 0, send } = script[step];
      if (pending.length < wanted) return;
      pending = pending.subarray(wanted);
      step++;
      toClient.write(send);
    }
  };
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, callback) {
      fromClient.push(chunk);
      pending = Buffer.concat([pending, chunk]);
      advance();
      callback();
    },
  });
  toClient.on('data', chunk => stream.push(chunk));
  setImmediate(advance);
  return { stream, fromClient };
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function serverInit(width: number, height: number, name: string) {
  const head = Buffer.alloc(20);
  head.writeUInt16BE(width, 0);
  head.writeUInt16BE(height, 2);
  return Buffer.concat([head, u32(name.length), Buffer.from(name)]);
}

describe('rfbHandshake', () => {
  it('reads the version, picks None and reaches ServerInit', async () => {
    const { stream, fromClient } = scriptedServer([
      { send: Buffer.from(RFB_VERSION) },
      { expect: 12, send: Buffer.from([2, 2, 1]) },
      { expect: 1, send: u32(0) },
      { expect: 1, send: serverInit(1280, 800, 'QEMU (workspaces_desk)') },
    ]);
    await expect(rfbHandshake(new ByteReader(stream), 1000)).resolves.toEqual({
      version: RFB_VERSION,
      screen: { width: 1280, height: 800, name: 'QEMU (workspaces_desk)' },
    });
    expect(Buffer.concat(fromClient)).toEqual(
      Buffer.concat([Buffer.from(RFB_VERSION), Buffer.from([1, 1])]),
    );
  });

  it('stops at the version when the server speaks another one', async () => {
    const { stream } = scriptedServer([{ send: Buffer.from('RFB 003.003\n') }]);
    await expect(rfbHandshake(new ByteReader(stream), 1000)).resolves.toEqual({
      version: 'RFB 003.003\n',
    });
  });

  it("passes on the server's refusal", async () => {
    const reason = 'Too many connections';
    const { stream } = scriptedServer([
      { send: Buffer.from(RFB_VERSION) },
      {
        expect: 12,
        send: Buffer.concat([
          Buffer.from([0]),
          u32(reason.length),
          Buffer.from(reason),
        ]),
      },
    ]);
    await expect(rfbHandshake(new ByteReader(stream), 1000)).rejects.toThrow(
      'The VNC server refused the session: Too many connections',
    );
  });
});

describe('ByteReader', () => {
  it('gives up on bytes that do not come in time', async () => {
    const stream = new PassThrough();
    stream.write(Buffer.from('RFB'));
    await expect(new ByteReader(stream).read(12, 50)).rejects.toThrow(
      'The console sent 3 of 12 bytes within 50 ms',
    );
  });

  it('reports the error a console ended with', async () => {
    const stream = new PassThrough();
    const reader = new ByteReader(stream);
    stream.destroy(new ConsoleInUseError('Someone else took the seat'));
    await expect(reader.ended(1000)).resolves.toMatchObject({
      name: 'ConsoleInUseError',
    });
    await expect(reader.read(1, 1000)).rejects.toThrow(
      'The console ended after 0 of 1 bytes: Someone else took the seat',
    );
  });

  it('says when a console stays open', async () => {
    await expect(new ByteReader(new PassThrough()).ended(30)).rejects.toThrow(
      'still open after 30 ms',
    );
  });
});
