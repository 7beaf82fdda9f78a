import { useCallback, useEffect, useRef, useState } from 'react';
import {
  discoveryApiRef,
  identityApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  CONSOLE_CLOSE_CODES,
  CONSOLE_PROTOCOL,
  consoleQualityPreset,
  encodeConsoleTokenProtocol,
  type ConsoleDisplay,
  type ConsoleDisplayMessage,
  type ConsoleQualityPresetId,
} from '@desktop-mania/plugin-workspaces-common';
import type RFB from '@novnc/novnc';
import { ConsoleChannel } from './consoleChannel';
import {
  storedCanvasMode,
  withCanvasMode,
  type ConsoleCanvasMode,
} from './consoleCanvas';
import type { ViewMode } from './useViewMode';

/** Where the connection stands, as the status line tells it. @public */
export type ConsoleState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'connected'; desktopName?: string }
  | { kind: 'disconnected'; reason: string }
  | { kind: 'reconnecting'; inSeconds: number; reason: string }
  | { kind: 'inUse'; reason: string };

// Refusals a retry cannot fix.
const FINAL_CODES: number[] = [
  CONSOLE_CLOSE_CODES.unauthenticated,
  CONSOLE_CLOSE_CODES.forbidden,
  CONSOLE_CLOSE_CODES.notFound,
  CONSOLE_CLOSE_CODES.notRunning,
  CONSOLE_CLOSE_CODES.tooManySessions,
  CONSOLE_CLOSE_CODES.idle,
  1003,
];

// A live migration ends the session on the old host while the desktop is
// already reachable on the new one, so waiting only prolongs the blank
// screen. The cap stops a desktop that keeps moving, or a proxy that keeps
// saying so, from spinning without the user seeing why.
const MAX_MOVE_RECONNECTS = 5;
/** Tries for a viewer the desktop dropped as it joined. */
const EARLY_DROP_RETRIES = 3;
/** A session the desktop ends sooner than this after joining was dropped while joining. */
const EARLY_DROP_MS = 3000;
const MOVING = 'The desktop is moving to another host';

/**
 * Fit asks the desktop to take the screen area's size and scales whatever
 * it does not take (a server without SetDesktopSize, or one that refuses);
 * 100% shows the desktop pixel for pixel, with noVNC's scrollbars.
 */
function applyView(client: RFB, mode: ViewMode, viewOnly: boolean) {
  client.scaleViewport = mode === 'fit';
  client.resizeSession = mode === 'fit';
  client.viewOnly = viewOnly;
}

// noVNC sends the new levels to the desktop at once, so a change applies to
// the live session without reconnecting.
function applyQuality(client: RFB, quality?: ConsoleQualityPresetId) {
  const preset = consoleQualityPreset(quality);
  client.qualityLevel = preset.qualityLevel;
  client.compressionLevel = preset.compressionLevel;
}

/**
 * The console's connection: the websocket with the token subprotocol, the
 * noVNC client on the screen element, and reconnects with backoff for the
 * closes a retry can fix. The view settings apply to the live client.
 */
export function useConsoleConnection(options: {
  name: string;
  autoConnect: boolean;
  maxReconnectDelayMs: number;
  mode: ViewMode;
  viewOnly: boolean;
  quality?: ConsoleQualityPresetId;
  onClipboard(text: string): void;
  /** The display to ask for; changing it reconnects. */
  display?: ConsoleDisplay;
  /** How the canvases are made; this browser's stored mode by default. Applies from the next connection. */
  canvas?: ConsoleCanvasMode;
}) {
  const { name, autoConnect, maxReconnectDelayMs, mode, viewOnly } = options;
  const discoveryApi = useApi(discoveryApiRef);
  const identityApi = useApi(identityApiRef);
  const screen = useRef<HTMLDivElement>(null);
  const rfb = useRef<RFB>();
  const channel = useRef<ConsoleChannel>();
  const attempts = useRef(0);
  const earlyDrops = useRef(0);
  const moves = useRef(0);
  const retryTimer = useRef<ReturnType<typeof setInterval>>();
  const userClosed = useRef(false);
  const [state, setState] = useState<ConsoleState>({ kind: 'idle' });
  // Which display the proxy says this session shows, and why.
  const [shown, setShown] = useState<ConsoleDisplayMessage>();
  const display = options.display ?? 'desktop';
  const settings = useRef({
    mode,
    viewOnly,
    quality: options.quality,
    canvas: options.canvas,
    onClipboard: options.onClipboard,
  });
  settings.current = {
    mode,
    viewOnly,
    quality: options.quality,
    canvas: options.canvas,
    onClipboard: options.onClipboard,
  };

  const stopRetry = () => {
    if (retryTimer.current) clearInterval(retryTimer.current);
    retryTimer.current = undefined;
  };

  const connect = useCallback(
    async (
      takeover = false,
      status: ConsoleState = { kind: 'connecting' },
    ): Promise<void> => {
      stopRetry();
      rfb.current?.disconnect();
      userClosed.current = false;
      setState(status);
      const [{ default: RFBClass }, baseUrl, { token }] = await Promise.all([
        import('@novnc/novnc'),
        discoveryApi.getBaseUrl('workspaces'),
        identityApi.getCredentials(),
      ]);
      // Disconnect stays pressable while a reconnect is on its way.
      if (!screen.current || userClosed.current) return;
      const query = new URLSearchParams();
      if (takeover) query.set('takeover', 'true');
      if (display !== 'desktop') query.set('display', display);
      const url = `${baseUrl.replace(
        /^http/,
        'ws',
      )}/workspaces/${encodeURIComponent(name)}/console${
        `${query}` ? `?${query}` : ''
      }`;
      const socket = new WebSocket(url, [
        CONSOLE_PROTOCOL,
        ...(token ? [encodeConsoleTokenProtocol(token)] : []),
      ]);
      socket.binaryType = 'arraybuffer';
      let closed: { code: number; reason: string } | undefined;
      // Registered before noVNC's own listener, so the code is known when it reports.
      socket.addEventListener('close', e => {
        closed = { code: e.code, reason: e.reason };
      });
      const wrapped = new ConsoleChannel(socket);
      setShown(undefined);
      wrapped.ondisplay = setShown;
      // noVNC takes any channel shaped like a WebSocket.
      const target = screen.current;
      const client = withCanvasMode(
        settings.current.canvas ?? storedCanvasMode(),
        () =>
          new RFBClass(target, wrapped as unknown as WebSocket, {
            shared: true,
          }),
      );
      wrapped.countFrames(client);
      applyView(client, settings.current.mode, settings.current.viewOnly);
      applyQuality(client, settings.current.quality);
      client.background = '#1e1e1e';
      rfb.current = client;
      channel.current = wrapped;

      let connectedAt: number | undefined;
      client.addEventListener('connect', () => {
        connectedAt = Date.now();
        attempts.current = 0;
        // A move after this one is a new migration, with its own budget.
        moves.current = 0;
        setState({ kind: 'connected' });
        client.focus();
      });
      client.addEventListener('desktopname', (e: any) =>
        setState(s =>
          s.kind === 'connected' ? { ...s, desktopName: e.detail.name } : s,
        ),
      );
      client.addEventListener('clipboard', (e: any) =>
        settings.current.onClipboard(e.detail.text),
      );
      client.addEventListener('disconnect', () => {
        if (rfb.current !== client) return;
        rfb.current = undefined;
        if (
          connectedAt !== undefined &&
          Date.now() - connectedAt >= EARLY_DROP_MS
        )
          earlyDrops.current = 0;
        const code = closed?.code ?? 1006;
        const reason =
          closed?.reason ||
          (code === 1006
            ? 'the connection dropped'
            : `closed with code ${code}`);
        if (userClosed.current) {
          setState({ kind: 'disconnected', reason: 'you disconnected' });
        } else if (code === CONSOLE_CLOSE_CODES.inUse) {
          setState({ kind: 'inUse', reason });
        } else if (
          code === CONSOLE_CLOSE_CODES.migrating &&
          moves.current < MAX_MOVE_RECONNECTS
        ) {
          moves.current += 1;
          connect(false, {
            kind: 'reconnecting',
            inSeconds: 0,
            reason: MOVING,
          }).catch(e => setState({ kind: 'disconnected', reason: String(e) }));
        } else if (
          code === 1000 &&
          (connectedAt === undefined ||
            Date.now() - connectedAt < EARLY_DROP_MS) &&
          earlyDrops.current < EARLY_DROP_RETRIES
        ) {
          // TigerVNC drops a viewer that has not yet said which encodings it
          // takes when another viewer resizes the desktop at that moment;
          // a second try a moment later gets in.
          earlyDrops.current += 1;
          setState({ kind: 'reconnecting', inSeconds: 1, reason });
          retryTimer.current = setInterval(() => {
            stopRetry();
            connect(takeover, {
              kind: 'reconnecting',
              inSeconds: 0,
              reason,
            }).catch(e =>
              setState({ kind: 'disconnected', reason: String(e) }),
            );
          }, 1000);
        } else if (
          FINAL_CODES.includes(code) ||
          code === 1000 ||
          code === CONSOLE_CLOSE_CODES.migrating
        ) {
          setState({ kind: 'disconnected', reason });
        } else {
          const delay = Math.min(
            maxReconnectDelayMs,
            1000 * 2 ** attempts.current,
          );
          attempts.current += 1;
          let left = Math.ceil(delay / 1000);
          setState({ kind: 'reconnecting', inSeconds: left, reason });
          retryTimer.current = setInterval(() => {
            left -= 1;
            if (left <= 0) {
              connect();
            } else {
              setState({ kind: 'reconnecting', inSeconds: left, reason });
            }
          }, 1000);
        }
      });
    },
    [discoveryApi, identityApi, name, maxReconnectDelayMs, display],
  );

  // Whoever presses Connect has seen the earlier moves end in an error, and
  // gets a fresh set of reconnects.
  const connectByUser = useCallback(
    (takeover?: boolean) => {
      moves.current = 0;
      earlyDrops.current = 0;
      return connect(takeover);
    },
    [connect],
  );

  const disconnect = () => {
    stopRetry();
    userClosed.current = true;
    if (rfb.current) rfb.current.disconnect();
    else setState({ kind: 'disconnected', reason: 'you disconnected' });
  };

  useEffect(() => {
    if (autoConnect)
      connect().catch(e =>
        setState({ kind: 'disconnected', reason: String(e) }),
      );
    return () => {
      stopRetry();
      userClosed.current = true;
      rfb.current?.disconnect();
    };
  }, [autoConnect, connect]);

  useEffect(() => {
    if (rfb.current) applyView(rfb.current, mode, viewOnly);
  }, [mode, viewOnly]);

  useEffect(() => {
    if (rfb.current) applyQuality(rfb.current, options.quality);
  }, [options.quality]);

  return {
    screen,
    rfb,
    channel,
    state,
    shown,
    connect: connectByUser,
    disconnect,
  };
}
