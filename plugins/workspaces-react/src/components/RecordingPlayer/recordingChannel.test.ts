import type { RecordingFrame } from '@desktop-mania/plugin-workspaces-common';
import { RecordingChannel } from './recordingChannel';

const frame = (atMs: number, ...bytes: number[]): RecordingFrame => ({
  atMs,
  data: new Uint8Array(bytes),
});

/** A channel as noVNC holds it, with what it received in order. */
function attach(frames: RecordingFrame[], durationMs?: number) {
  const received: number[][] = [];
  const onChange = jest.fn();
  const channel = new RecordingChannel(frames, {
    durationMs,
    onChange,
    now: () => Date.now(),
  });
  channel.onmessage = e =>
    received.push([...new Uint8Array(e.data as ArrayBuffer)]);
  return { channel, received, onChange };
}

describe('RecordingChannel', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const frames = [frame(0, 1), frame(1000, 2), frame(3000, 3, 4)];

  it('looks like an open websocket to noVNC', () => {
    const { channel } = attach(frames);
    expect(channel.readyState).toBe(1);
    expect(channel.binaryType).toBe('arraybuffer');
    for (const prop of ['send', 'close', 'onopen', 'onmessage', 'onerror']) {
      expect(prop in channel).toBe(true);
    }
  });

  it('delivers the frames in order at their recorded times', () => {
    const { channel, received } = attach(frames);
    channel.play();
    jest.advanceTimersByTime(0);
    expect(received).toEqual([[1]]);
    jest.advanceTimersByTime(999);
    expect(received).toEqual([[1]]);
    jest.advanceTimersByTime(1);
    expect(received).toEqual([[1], [2]]);
    jest.advanceTimersByTime(1999);
    expect(received).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(received).toEqual([[1], [2], [3, 4]]);
    expect(channel.ended).toBe(true);
    expect(channel.playing).toBe(false);
  });

  it.each([
    [2, 500, 1500],
    [4, 250, 750],
    [0.5, 2000, 6000],
  ])(
    'at %sx delivers the second frame after %s ms and the third after %s ms',
    (speed, second, third) => {
      const { channel, received } = attach(frames);
      channel.setSpeed(speed);
      channel.play();
      jest.advanceTimersByTime(second - 1);
      expect(received).toHaveLength(1);
      jest.advanceTimersByTime(1);
      expect(received).toHaveLength(2);
      jest.advanceTimersByTime(third - second - 1);
      expect(received).toHaveLength(2);
      jest.advanceTimersByTime(1);
      expect(received).toHaveLength(3);
    },
  );

  it('changes speed mid-play from where it stands', () => {
    const { channel, received } = attach(frames);
    channel.play();
    jest.advanceTimersByTime(1000);
    expect(received).toHaveLength(2);
    channel.setSpeed(4);
    // 2000 ms of the recording remain: 500 ms at 4x.
    jest.advanceTimersByTime(499);
    expect(received).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(received).toHaveLength(3);
  });

  it('delivers nothing while paused and resumes where it stopped', () => {
    const { channel, received, onChange } = attach(frames);
    channel.play();
    jest.advanceTimersByTime(500);
    channel.pause();
    expect(channel.positionMs).toBe(500);
    jest.advanceTimersByTime(10_000);
    expect(received).toEqual([[1]]);
    expect(channel.positionMs).toBe(500);
    channel.play();
    jest.advanceTimersByTime(499);
    expect(received).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(received).toHaveLength(2);
    expect(onChange).toHaveBeenCalledTimes(3);
  });

  it('delivers everything before the seek target at once, then plays on from it', () => {
    const { channel, received } = attach(frames);
    channel.seek(2000);
    expect(received).toEqual([[1], [2]]);
    expect(channel.positionMs).toBe(2000);
    channel.play();
    jest.advanceTimersByTime(999);
    expect(received).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(received).toEqual([[1], [2], [3, 4]]);
  });

  it('seeks while playing and keeps playing', () => {
    const { channel, received } = attach(frames, 5000);
    channel.play();
    jest.advanceTimersByTime(0);
    channel.seek(3000);
    expect(received).toHaveLength(3);
    expect(channel.playing).toBe(true);
    jest.advanceTimersByTime(2000);
    expect(channel.ended).toBe(true);
    expect(channel.positionMs).toBe(5000);
  });

  it('cannot seek back: that takes a new channel', () => {
    const { channel } = attach(frames);
    channel.seek(2000);
    expect(() => channel.seek(1000)).toThrow(/cannot go back/);
  });

  it('hands each frame a buffer of its own', () => {
    const file = new Uint8Array([9, 9, 7, 8, 9]);
    const { channel, received } = attach([
      { atMs: 0, data: file.subarray(2, 4) },
    ]);
    channel.seek(0);
    expect(received).toEqual([[7, 8]]);
  });

  it('discards everything sent to it', () => {
    const { channel, received } = attach(frames);
    const onmessage = channel.onmessage;
    expect(() =>
      channel.send(new Uint8Array([4, 1, 0, 0, 0, 0, 0, 0x61])),
    ).not.toThrow();
    expect(channel.send(new Uint8Array([5, 1, 0, 0, 0, 0]))).toBeUndefined();
    expect(received).toEqual([]);
    expect(channel.onmessage).toBe(onmessage);
  });

  it('closes as a socket does and delivers nothing after', () => {
    const { channel, received } = attach(frames);
    const onclose = jest.fn();
    channel.onclose = onclose;
    channel.play();
    channel.close();
    expect(channel.readyState).toBe(3);
    expect(onclose).not.toHaveBeenCalled();
    jest.advanceTimersByTime(5000);
    expect(onclose).toHaveBeenCalledWith(
      expect.objectContaining({ code: 1000 }),
    );
    expect(received).toEqual([]);
  });
});
