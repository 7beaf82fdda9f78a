import { InputError } from '@backstage/errors';
import {
  encodeRecordingFrame,
  parseRecording,
  RECORDING_MAGIC,
} from './recordingFormat';

const bytes = (...b: number[]) => new Uint8Array(b);

function file(...parts: Uint8Array[]) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('recording format', () => {
  it('starts with DMREC1 and a newline', () => {
    expect(new TextDecoder().decode(RECORDING_MAGIC)).toBe('DMREC1\n');
  });

  it('encodes time and length big-endian before the data', () => {
    expect([...encodeRecordingFrame(0x01020304, bytes(9, 8))]).toEqual([
      1, 2, 3, 4, 0, 0, 0, 2, 9, 8,
    ]);
  });

  it('gives back the frames it was made of', () => {
    const protocol = new TextEncoder().encode('RFB 003.008\n');
    const recording = file(
      RECORDING_MAGIC,
      encodeRecordingFrame(0, protocol),
      encodeRecordingFrame(15, bytes()),
      encodeRecordingFrame(70_000, bytes(1, 2, 3)),
    );
    expect(
      parseRecording(recording).map(f => ({
        atMs: f.atMs,
        data: [...f.data],
      })),
    ).toEqual([
      { atMs: 0, data: [...protocol] },
      { atMs: 15, data: [] },
      { atMs: 70_000, data: [1, 2, 3] },
    ]);
  });

  it.each([
    ['in its header', 4],
    ['in its data', 10],
  ])('drops a last frame a crash cut %s', (_label, cut) => {
    const whole = file(
      RECORDING_MAGIC,
      encodeRecordingFrame(1, bytes(1)),
      encodeRecordingFrame(2, bytes(1, 2, 3, 4, 5)),
    );
    const frames = parseRecording(whole.subarray(0, whole.length - 13 + cut));
    expect(frames.map(f => f.atMs)).toEqual([1]);
  });

  it('reads a recording inside a larger buffer', () => {
    const whole = file(
      bytes(7, 7, 7),
      RECORDING_MAGIC,
      encodeRecordingFrame(5, bytes(4)),
    );
    const frames = parseRecording(whole.subarray(3));
    expect(frames).toHaveLength(1);
    expect([...frames[0].data]).toEqual([4]);
  });

  it('refuses a file without the magic, in one line', () => {
    expect(() => parseRecording(new TextEncoder().encode('RFB 003'))).toThrow(
      /^This is not a console recording: it does not start with DMREC1$/,
    );
    expect(() => parseRecording(bytes())).toThrow(InputError);
  });

  it('refuses times and lengths a uint32 cannot hold', () => {
    expect(() => encodeRecordingFrame(-1, bytes())).toThrow(/atMs/);
    expect(() => encodeRecordingFrame(2 ** 32, bytes())).toThrow(/atMs/);
  });
});
