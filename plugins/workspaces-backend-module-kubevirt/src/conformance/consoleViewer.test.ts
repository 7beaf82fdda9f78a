import { Duplex, PassThrough } from 'stream';
import { ConsoleInUseError } from '@desktop-mania/plugin-workspaces-common';
import { RFB_VERSION } from '@internal/test-support';
import { ConsoleViewer } from './__testUtils__/consoleViewer';

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

describe('ConsoleViewer', () => {
  it('takes the handshake to ServerInit with security type None, as a viewer holding the seat', async () => {
    const { stream, fromClient } = scriptedServer([
      { send: Buffer.from(RFB_VERSION) },
      { expect: 12, send: Buffer.from([2, 2, 1]) },
      { expect: 1, send: u32(0) },
      { expect: 1, send: serverInit(1280, 800, 'QEMU (workspaces_desk)') },
    ]);
    await expect(new ConsoleViewer(stream).handshake(1000)).resolves.toBe(
      RFB_VERSION,
    );
    // The version, security type None, then ClientInit asking to share.
    expect(Buffer.concat(fromClient).subarray(0, 14)).toEqual(
      Buffer.concat([Buffer.from(RFB_VERSION), Buffer.from([1, 1])]),
    );
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
    await expect(new ConsoleViewer(stream).handshake(1000)).rejects.toThrow(
      'the server refused the session: Too many connections',
    );
  });

  it('names the version of a server that speaks another one and stalls', async () => {
    const { stream } = scriptedServer([{ send: Buffer.from('RFB 003.003\n') }]);
    await expect(new ConsoleViewer(stream).handshake(50)).rejects.toThrow(
      'The console did not finish the RFB handshake within 50 ms (it speaks "RFB 003.003\\n")',
    );
  });

  it('gives up on a handshake that does not finish in time', async () => {
    const stream = new PassThrough();
    stream.write(Buffer.from('RFB'));
    await expect(new ConsoleViewer(stream).handshake(50)).rejects.toThrow(
      /^The console did not finish the RFB handshake within 50 ms$/,
    );
  });

  it('reports the error a console ended with', async () => {
    const stream = new PassThrough();
    const viewer = new ConsoleViewer(stream);
    stream.destroy(new ConsoleInUseError('Someone else took the seat'));
    await expect(viewer.ended(1000)).resolves.toMatchObject({
      name: 'ConsoleInUseError',
    });
    await expect(viewer.handshake(1000)).rejects.toThrow(
      'The console ended during the RFB handshake: Someone else took the seat',
    );
  });

  it('says when a console stays open', async () => {
    await expect(
      new ConsoleViewer(new PassThrough()).ended(30),
    ).rejects.toThrow('still open after 30 ms');
  });
});
