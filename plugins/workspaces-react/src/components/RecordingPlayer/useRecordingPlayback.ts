import { useCallback, useEffect, useRef, useState } from 'react';
import type RFB from '@novnc/novnc';
import type { RecordingFrame } from '@desktop-mania/plugin-workspaces-common';
import { RecordingChannel } from './recordingChannel';

/** A recording on a screen element, and how to move through it. @public */
export interface RecordingPlayback {
  /** The element noVNC draws the recorded desktop in. */
  screen: React.RefObject<HTMLDivElement>;
  /** noVNC is loaded and the first frames are drawn. */
  ready: boolean;
  playing: boolean;
  positionMs: number;
  durationMs: number;
  speed: number;
  /** Why the recording cannot be shown, in one line. */
  error?: string;
  play(): void;
  pause(): void;
  seek(ms: number): void;
  setSpeed(speed: number): void;
}

// A security type noVNC would ask a password for is answered with this; the
// answer goes nowhere, and the recorded desktop's verdict follows.
const PLACEHOLDER_CREDENTIALS = { password: 'recording' };
const TICK_MS = 200;

/**
 * Replays a recorded desktop-to-browser RFB stream with noVNC's own
 * decoder: the recording stands in for the websocket. The client is view
 * only and its channel drops all it sends, so nothing typed or clicked on
 * the player reaches any desktop. Going back replays from the start
 * without waiting, as noVNC's decoders carry state from frame to frame.
 * @public
 */
export function useRecordingPlayback(
  frames: readonly RecordingFrame[],
  options: { durationMs?: number } = {},
): RecordingPlayback {
  const screen = useRef<HTMLDivElement>(null);
  const rfbClass = useRef<typeof RFB>();
  const client = useRef<{ rfb: RFB; channel: RecordingChannel }>();
  const [ready, setReady] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [positionMs, setPositionMs] = useState(0);
  const [speed, setSpeedState] = useState(1);
  const [error, setError] = useState<string>();
  const speedRef = useRef(1);
  const durationMs = Math.max(
    options.durationMs ?? 0,
    frames.length ? frames[frames.length - 1].atMs : 0,
  );

  const refresh = useCallback(() => {
    const channel = client.current?.channel;
    if (!channel) return;
    setPlaying(channel.playing);
    setPositionMs(channel.positionMs);
  }, []);

  /** A new client on a new channel at the recording's start. */
  const rebuild = useCallback(() => {
    const RFBClass = rfbClass.current;
    if (!RFBClass || !screen.current) return undefined;
    const old = client.current;
    client.current = undefined;
    old?.rfb.disconnect();
    const channel = new RecordingChannel(frames, {
      durationMs,
      onChange: () => {
        if (client.current?.channel === channel) refresh();
      },
    });
    channel.setSpeed(speedRef.current);
    const rfb = new RFBClass(screen.current, channel as unknown as WebSocket, {
      shared: true,
      credentials: PLACEHOLDER_CREDENTIALS,
    });
    rfb.viewOnly = true;
    rfb.focusOnClick = false;
    rfb.scaleViewport = true;
    rfb.resizeSession = false;
    rfb.background = '#1e1e1e';
    rfb.addEventListener('disconnect', (e: any) => {
      if (client.current?.rfb !== rfb || e.detail?.clean) return;
      setError(
        e0 =>
          e0 ?? 'The recording could not be replayed: its stream is damaged',
      );
      channel.pause();
    });
    rfb.addEventListener('securityfailure', (e: any) =>
      setError(
        `The recording could not be replayed: ${
          e.detail?.reason ?? 'the desktop refused the recorded session'
        }`,
      ),
    );
    client.current = { rfb, channel };
    return channel;
  }, [frames, durationMs, refresh]);

  useEffect(() => {
    let cancelled = false;
    setReady(false);
    setError(undefined);
    import('@novnc/novnc').then(
      ({ default: RFBClass }) => {
        if (cancelled) return;
        rfbClass.current = RFBClass;
        // The handshake and first screen, so there is a picture before play.
        rebuild()?.seek(0);
        refresh();
        setReady(true);
      },
      () => !cancelled && setError('The player could not be loaded'),
    );
    return () => {
      cancelled = true;
      const current = client.current;
      client.current = undefined;
      current?.rfb.disconnect();
    };
  }, [rebuild, refresh]);

  // The position moves by itself while playing; the page shows it.
  useEffect(() => {
    if (!playing) return undefined;
    const timer = setInterval(refresh, TICK_MS);
    return () => clearInterval(timer);
  }, [playing, refresh]);

  const seek = useCallback(
    (ms: number) => {
      const current = client.current?.channel;
      if (!current) return;
      const wasPlaying = current.playing;
      const channel = ms < current.positionMs ? rebuild() ?? current : current;
      channel.seek(ms);
      if (wasPlaying) channel.play();
      refresh();
    },
    [rebuild, refresh],
  );

  const play = useCallback(() => {
    let channel = client.current?.channel;
    if (!channel) return;
    // Play at the end starts over.
    if (channel.ended) {
      channel = rebuild() ?? channel;
      channel.seek(0);
    }
    channel.play();
    refresh();
  }, [rebuild, refresh]);

  const pause = useCallback(() => {
    client.current?.channel.pause();
    refresh();
  }, [refresh]);

  const setSpeed = useCallback((next: number) => {
    speedRef.current = next;
    setSpeedState(next);
    client.current?.channel.setSpeed(next);
  }, []);

  return {
    screen,
    ready,
    playing,
    positionMs,
    durationMs,
    speed,
    error,
    play,
    pause,
    seek,
    setSpeed,
  };
}
