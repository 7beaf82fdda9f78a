import { type RefObject, useEffect, useMemo, useState } from 'react';
import type { ConsolePresence } from '@desktop-mania/plugin-workspaces-common';
import type { ConsoleChannel } from './consoleChannel';

/** What the console measured over the last second, and what the proxy said. */
export interface ConsoleTelemetry {
  /** Round trip of the last ping to the portal, in milliseconds. */
  latencyMs?: number;
  /** Framebuffer updates drawn per second; absent where they cannot be counted. */
  fps?: number;
  /** Bytes received from the desktop per second. */
  bytesPerSecond?: number;
  /** Console sessions open on this desktop, this one included. */
  viewers?: number;
  /** Who is connected to this desktop, this session included. */
  present?: ConsolePresence[];
  /** The proxy lets this session only watch. */
  viewOnly?: boolean;
  /** Milliseconds until the proxy closes the session for inactivity. */
  idleLeftMs?: number;
  /** How long the proxy lets a session go without input, in milliseconds. */
  idleTimeoutMs?: number;
  /** Whether the proxy records this session. */
  recording?: boolean;
  /** The desktop's size and how large the page shows it, as of its last resize. */
  desktop?: DesktopSize;
}

type DesktopSize = { width: number; height: number; scalePercent: number };

interface Baseline {
  channel: ConsoleChannel;
  at: number;
  bytes: number;
  frames: number;
}

function desktopSize(screen: HTMLElement | null): DesktopSize | undefined {
  const canvas = screen?.querySelector('canvas');
  if (!canvas || !canvas.width || !canvas.height) return undefined;
  const shown = canvas.getBoundingClientRect().width;
  return {
    width: canvas.width,
    height: canvas.height,
    scalePercent: Math.round((shown / canvas.width) * 100),
  };
}

const sameSize = (a?: DesktopSize, b?: DesktopSize) =>
  a === b ||
  (!!a &&
    !!b &&
    a.width === b.width &&
    a.height === b.height &&
    a.scalePercent === b.scalePercent);

/**
 * The desktop's shown size, measured when it changes rather than on the
 * next sample, so the label never trails a resize. noVNC sets its canvas's
 * width and height for a new desktop size and the canvas's style when it
 * scales, and replaces the canvas on a reconnect; the screen area's own
 * resizes are watched too, for a browser that scales the canvas by CSS.
 */
function useDesktopSize(
  screen: RefObject<HTMLElement>,
  connected: boolean,
): DesktopSize | undefined {
  const [size, setSize] = useState<DesktopSize>();
  useEffect(() => {
    const element = screen.current;
    if (!connected || !element) {
      setSize(undefined);
      return undefined;
    }
    const measure = () => {
      const next = desktopSize(element);
      setSize(previous => (sameSize(previous, next) ? previous : next));
    };
    const resizes =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(measure);
    const changed = () => {
      const canvas = element.querySelector('canvas');
      if (canvas) resizes?.observe(canvas);
      measure();
    };
    const mutations = new MutationObserver(changed);
    mutations.observe(element, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['width', 'height', 'style'],
    });
    resizes?.observe(element);
    changed();
    return () => {
      mutations.disconnect();
      resizes?.disconnect();
    };
  }, [screen, connected]);
  return size;
}

/** The idle time left by the proxy's last word and any input sent since. */
export function idleLeftMs(channel: ConsoleChannel, now: number) {
  const pong = channel.lastPong;
  if (!pong) return undefined;
  const idleSince = Math.max(
    pong.at - pong.idleMs,
    channel.lastInputAt ?? -Infinity,
  );
  return Math.max(0, pong.idleTimeoutMs - (now - idleSince));
}

/**
 * Samples the live connection about once a second: pings the proxy and
 * turns the channel's counters into rates. The desktop's shown size is
 * watched apart, and changes with the desktop.
 */
export function useConsoleTelemetry(
  channel: RefObject<ConsoleChannel | undefined>,
  screen: RefObject<HTMLElement>,
  connected: boolean,
  intervalMs = 1000,
): ConsoleTelemetry {
  const [telemetry, setTelemetry] = useState<ConsoleTelemetry>({});

  useEffect(() => {
    if (!connected) {
      setTelemetry({});
      return undefined;
    }
    let baseline: Baseline | undefined;
    const rebase = (current: ConsoleChannel, at: number) => {
      baseline = {
        channel: current,
        at,
        bytes: current.bytesReceived,
        frames: current.framesReceived,
      };
    };
    const first = channel.current;
    if (first) {
      rebase(first, performance.now());
      first.ping();
    }
    const timer = setInterval(() => {
      const current = channel.current;
      if (!current) return;
      const now = performance.now();
      if (!baseline || baseline.channel !== current) {
        rebase(current, now);
        current.ping();
        return;
      }
      const seconds = (now - baseline.at) / 1000;
      const next: ConsoleTelemetry = {
        latencyMs: current.roundTripMs,
        bytesPerSecond: (current.bytesReceived - baseline.bytes) / seconds,
        fps: current.countsFrames
          ? (current.framesReceived - baseline.frames) / seconds
          : undefined,
        viewers: current.lastPong?.viewers,
        present: current.lastPong?.present,
        viewOnly: current.lastPong?.viewOnly,
        idleLeftMs: idleLeftMs(current, now),
        idleTimeoutMs: current.lastPong?.idleTimeoutMs,
        recording: current.lastPong?.recording,
      };
      rebase(current, now);
      current.ping();
      setTelemetry(next);
    }, intervalMs);
    return () => clearInterval(timer);
  }, [channel, connected, intervalMs]);

  const desktop = useDesktopSize(screen, connected);
  return useMemo(() => ({ ...telemetry, desktop }), [telemetry, desktop]);
}
