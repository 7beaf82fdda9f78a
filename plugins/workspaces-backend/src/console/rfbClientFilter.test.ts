import { RfbClientFilter, RfbFilterError } from './rfbClientFilter';

const VERSION = Buffer.from('RFB 003.008\n', 'latin1');
const SECURITY_NONE = Buffer.from([1]);
const CLIENT_INIT_EXCLUSIVE = Buffer.from([0]);
const PIXEL_FORMAT = Buffer.from([0, 0, 0, 0, ...Array(16).fill(7)]);
const ENCODINGS = Buffer.from([2, 0, 0, 2, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0x21]);
const UPDATE_REQUEST = Buffer.from([3, 1, 0, 0, 0, 0, 4, 0, 3, 0]);
const KEY = Buffer.from([4, 1, 0, 0, 0, 0, 0, 0x61]);
const POINTER = Buffer.from([5, 1, 0, 10, 0, 20]);
const QEMU_KEY = Buffer.from([255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0x1e]);
const XVP_REBOOT = Buffer.from([250, 0, 1, 3]);
const FENCE = Buffer.from([248, 0, 0, 0, 0, 0, 0, 3, 2, 0xaa, 0xbb]);
const CONTINUOUS = Buffer.from([150, 1, 0, 0, 0, 0, 4, 0, 3, 0]);
const resize = (screens: number) =>
  Buffer.concat([
    Buffer.from([251, 0, 4, 0, 3, 0, screens, 0]),
    Buffer.alloc(16 * screens, 9),
  ]);
function cutText(text: string, extended = false) {
  const head = Buffer.from([6, 0, 0, 0, 0, 0, 0, 0]);
  head.writeInt32BE(extended ? -text.length : text.length, 4);
  return Buffer.concat([head, Buffer.from(text, 'latin1')]);
}

const handshake = Buffer.concat([
  VERSION,
  SECURITY_NONE,
  CLIENT_INIT_EXCLUSIVE,
]);
const sharedHandshake = Buffer.concat([
  VERSION,
  SECURITY_NONE,
  Buffer.from([1]),
]);

/** Feeds the stream in pieces of `size` bytes and joins what passed. */
function run(stream: Buffer, size = stream.length) {
  const filter = new RfbClientFilter();
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += size) {
    out.push(filter.push(stream.subarray(i, i + size)));
  }
  return { passed: Buffer.concat(out), filter };
}

describe('RfbClientFilter', () => {
  const session = Buffer.concat([
    handshake,
    PIXEL_FORMAT,
    ENCODINGS,
    UPDATE_REQUEST,
    KEY,
    POINTER,
    cutText('secret'),
    cutText('extended-secret', true),
    resize(2),
    QEMU_KEY,
    XVP_REBOOT,
    CONTINUOUS,
    FENCE,
    UPDATE_REQUEST,
  ]);
  const watching = Buffer.concat([
    sharedHandshake,
    PIXEL_FORMAT,
    ENCODINGS,
    UPDATE_REQUEST,
    CONTINUOUS,
    FENCE,
    UPDATE_REQUEST,
  ]);

  it.each([1, 2, 3, 7, 13, session.length])(
    'passes what watching needs and drops all input, in chunks of %i bytes',
    size => {
      const { passed, filter } = run(session, size);
      expect(passed.equals(watching)).toBe(true);
      expect(filter.dropped).toBe(7);
    },
  );

  it('forces the shared flag so a watcher never disconnects the others', () => {
    expect(run(handshake).passed.subarray(-1)[0]).toBe(1);
  });

  it('follows VNC authentication, whose response is not a message', () => {
    const response = Buffer.alloc(16, 4); // starts like a KeyEvent
    const { passed } = run(
      Buffer.concat([
        VERSION,
        Buffer.from([2]),
        response,
        Buffer.from([0]),
        KEY,
      ]),
      5,
    );
    expect(passed).toEqual(
      Buffer.concat([VERSION, Buffer.from([2]), response, Buffer.from([1])]),
    );
  });

  it('drops a long clipboard without holding it', () => {
    const filter = new RfbClientFilter();
    filter.push(handshake);
    const big = cutText('x'.repeat(100_000));
    expect(filter.push(big.subarray(0, 50_000)).length).toBe(0);
    expect(filter.push(big.subarray(50_000)).length).toBe(0);
    expect(filter.push(UPDATE_REQUEST)).toEqual(UPDATE_REQUEST);
  });

  it.each([
    [Buffer.concat([handshake, Buffer.from([99, 0, 0, 0])]), /type 99/],
    [
      Buffer.concat([handshake, Buffer.from([255, 9, 0, 0])]),
      /QEMU client message 9/,
    ],
    [Buffer.from('RFB 003.003\n', 'latin1'), /3.7 or later/],
    [Buffer.from('GET / HTTP/1.1\r\n', 'latin1'), /ProtocolVersion/],
    [Buffer.concat([VERSION, Buffer.from([19])]), /not 19/],
  ])('ends a stream it cannot follow with one line (%#)', (stream, reason) => {
    let error: Error | undefined;
    try {
      run(stream);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(RfbFilterError);
    expect(error?.message).toMatch(reason);
    expect(error?.message).not.toContain('\n');
  });
});
