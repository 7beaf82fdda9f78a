import { act, render, waitFor } from '@testing-library/react';
import type { RecordingFrame } from '@desktop-mania/plugin-workspaces-common';
import {
  useRecordingPlayback,
  type RecordingPlayback,
} from './useRecordingPlayback';

const mockClients: MockRFB[] = [];

/** noVNC as the player sees it: it reads its channel and keeps the bytes. */
class MockRFB extends EventTarget {
  viewOnly = false;
  scaleViewport = false;
  resizeSession = true;
  focusOnClick = true;
  background = '';
  received: number[] = [];
  disconnected = false;
  constructor(
    readonly target: HTMLElement,
    readonly channel: any,
    readonly options: any,
  ) {
    super();
    mockClients.push(this);
    channel.onmessage = (e: MessageEvent) =>
      this.received.push(...new Uint8Array(e.data));
  }
  /** What noVNC does with a key pressed while connected. */
  sendKey() {
    if (!this.viewOnly) this.channel.send(new Uint8Array([4, 1, 0, 0]));
  }
  disconnect() {
    this.disconnected = true;
    this.channel.close();
  }
}

jest.mock('@novnc/novnc', () => ({
  __esModule: true,
  default: function RFB(...args: any[]) {
    return new (MockRFB as any)(...args);
  },
}));

const frames: RecordingFrame[] = [
  { atMs: 0, data: new Uint8Array([1]) },
  { atMs: 1000, data: new Uint8Array([2]) },
  { atMs: 2000, data: new Uint8Array([3]) },
];

function Probe(props: { onPlayback(p: RecordingPlayback): void }) {
  const playback = useRecordingPlayback(frames, { durationMs: 2500 });
  props.onPlayback(playback);
  return <div ref={playback.screen} />;
}

async function renderPlayback() {
  let playback!: RecordingPlayback;
  const view = render(<Probe onPlayback={p => (playback = p)} />);
  await waitFor(() => expect(playback.ready).toBe(true));
  return { current: () => playback, view };
}

describe('useRecordingPlayback', () => {
  beforeEach(() => {
    mockClients.length = 0;
  });

  it('replays into a view-only noVNC whose input goes nowhere', async () => {
    const { current } = await renderPlayback();
    expect(mockClients).toHaveLength(1);
    const [rfb] = mockClients;
    expect(rfb.viewOnly).toBe(true);
    expect(rfb.resizeSession).toBe(false);
    expect(rfb.focusOnClick).toBe(false);
    expect(rfb.options.credentials.password).toBeTruthy();
    // The first frame draws the first picture before play.
    expect(rfb.received).toEqual([1]);
    const send = jest.spyOn(rfb.channel, 'send');
    rfb.viewOnly = false;
    rfb.sendKey();
    expect(send).toHaveBeenCalled();
    expect(send.mock.results[0].value).toBeUndefined();
    expect(rfb.received).toEqual([1]);
    expect(current().durationMs).toBe(2500);
  });

  it('seeks forward on the same client and back on a new one', async () => {
    const { current } = await renderPlayback();
    act(() => current().seek(1500));
    expect(mockClients).toHaveLength(1);
    expect(mockClients[0].received).toEqual([1, 2]);
    expect(current().positionMs).toBe(1500);

    act(() => current().seek(500));
    expect(mockClients).toHaveLength(2);
    expect(mockClients[0].disconnected).toBe(true);
    expect(mockClients[1].received).toEqual([1]);
    expect(mockClients[1].viewOnly).toBe(true);
    expect(current().positionMs).toBe(500);
  });

  it('keeps the chosen speed on a new client', async () => {
    const { current } = await renderPlayback();
    act(() => current().setSpeed(4));
    act(() => current().seek(2000));
    act(() => current().seek(0));
    expect(mockClients).toHaveLength(2);
    expect(mockClients[1].channel.speed).toBe(4);
    expect(current().speed).toBe(4);
  });

  it('plays, pauses and starts over after the end', async () => {
    jest.useFakeTimers();
    try {
      const { current } = await renderPlayback();
      act(() => current().play());
      expect(current().playing).toBe(true);
      act(() => {
        jest.advanceTimersByTime(1000);
      });
      expect(mockClients[0].received).toEqual([1, 2]);
      act(() => current().pause());
      expect(current().playing).toBe(false);
      act(() => {
        jest.advanceTimersByTime(5000);
      });
      expect(mockClients[0].received).toEqual([1, 2]);
      act(() => current().play());
      act(() => {
        jest.advanceTimersByTime(1500);
      });
      expect(mockClients[0].received).toEqual([1, 2, 3]);
      expect(current().playing).toBe(false);
      expect(current().positionMs).toBe(2500);
      act(() => current().play());
      expect(mockClients).toHaveLength(2);
      expect(current().playing).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets noVNC go when the page does', async () => {
    const { view } = await renderPlayback();
    view.unmount();
    expect(mockClients[0].disconnected).toBe(true);
  });
});
