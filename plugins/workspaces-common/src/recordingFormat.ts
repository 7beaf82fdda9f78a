import { InputError } from '@backstage/errors';

/**
 * Console session recordings: what the desktop sent the browser, as it
 * arrived, so a player can feed it to an RFB client at the same pace.
 *
 * A file is {@link RECORDING_MAGIC} followed by frames; each frame is a
 * 4-byte big-endian count of milliseconds since the session started, a
 * 4-byte big-endian length, then that many bytes of the desktop-to-browser
 * RFB stream, from the first byte the desktop sent (ProtocolVersion).
 */

/** The first bytes of every recording: `DMREC1\n` in ASCII. @public */
export const RECORDING_MAGIC: Uint8Array = new Uint8Array([
  0x44, 0x4d, 0x52, 0x45, 0x43, 0x31, 0x0a,
]);

/** The bytes before each frame's data: its time and its length. @public */
export const RECORDING_FRAME_HEADER_BYTES = 8;

/** One stretch of the desktop's stream, as recorded. @public */
export interface RecordingFrame {
  /** Milliseconds since the session started. */
  atMs: number;
  data: Uint8Array;
}

/** A recording as the backend lists it. @public */
export interface RecordingSummary {
  id: string;
  workspace: string;
  /** Whose console session it is. */
  actor: string;
  startedAt: string;
  /** Absent while the session is still open. */
  endedAt?: string;
  durationMs?: number;
  /** The file's size. */
  bytes: number;
  /** Recording stopped before the session ended (a size limit, a slow disk or a crash). */
  truncated: boolean;
}

const MAX_UINT32 = 0xffffffff;

function uint32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_UINT32) {
    throw new InputError(
      `${what} must be a whole number from 0 to ${MAX_UINT32}, got ${value}`,
    );
  }
  return value;
}

/** A frame's 8-byte header, for writers that keep the data apart. @public */
export function encodeRecordingFrameHeader(
  atMs: number,
  length: number,
): Uint8Array {
  const header = new Uint8Array(RECORDING_FRAME_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, uint32(atMs, 'atMs'));
  view.setUint32(4, uint32(length, 'length'));
  return header;
}

/** One frame, header and data. @public */
export function encodeRecordingFrame(
  atMs: number,
  data: Uint8Array,
): Uint8Array {
  const frame = new Uint8Array(RECORDING_FRAME_HEADER_BYTES + data.length);
  frame.set(encodeRecordingFrameHeader(atMs, data.length));
  frame.set(data, RECORDING_FRAME_HEADER_BYTES);
  return frame;
}

/**
 * The frames of a recording file. A bad magic is an `InputError`; a last
 * frame cut short is dropped, because a crash can leave one. The frames'
 * data are views into `file`, not copies.
 * @public
 */
export function parseRecording(file: Uint8Array): RecordingFrame[] {
  if (
    file.length < RECORDING_MAGIC.length ||
    RECORDING_MAGIC.some((byte, i) => file[i] !== byte)
  ) {
    throw new InputError(
      'This is not a console recording: it does not start with DMREC1',
    );
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const frames: RecordingFrame[] = [];
  let at = RECORDING_MAGIC.length;
  while (at + RECORDING_FRAME_HEADER_BYTES <= file.length) {
    const atMs = view.getUint32(at);
    const length = view.getUint32(at + 4);
    const start = at + RECORDING_FRAME_HEADER_BYTES;
    if (start + length > file.length) break;
    frames.push({ atMs, data: file.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}
