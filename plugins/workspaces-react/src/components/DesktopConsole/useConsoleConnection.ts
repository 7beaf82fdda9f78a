import { useCallback, useEffect, useRef, useState } from 'react';
import {
  discoveryApiRef,
  identityApiRef,
  storageApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  CONSOLE_PROTOCOL,
  encodeConsoleTokenProtocol,
  type ConsoleDisplay,
  type ConsoleDisplayMessage,
} from '@desktop-mania/plugin-workspaces-common';
import type RFB from '@novnc/novnc';
import { ConsoleChannel } from './consoleChannel';
import { afterClose, EARLY_DROP_MS } from './consoleReconnects';
import {
  CANVAS_MODE_PREFERENCE,
  type ConsoleCanvasMode,
} from './consoleCanvas';
import {
  applyQuality,
  applyView,
  createConsoleClient,
  type ConsoleClientSettings,
} from './consoleClient';
import { readConsolePreference } from './useConsolePreference';

/** Where the connection stands, as the status line tells it. @public */
export type ConsoleState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'connected'; desktopName?: string }
  | { kind: 'disconnected'; reason: string }
  | { kind: 'reconnecting'; inSeconds: number; reason: string }
  | { kind: 'inUse'; reason: string };

/**
 * The console's connection: the websocket with the token subprotocol, the
 * noVNC client on the screen element, and reconnects with backoff for the
 * closes a retry can fix. The view settings apply to the live client.
 */
export function useConsoleConnection(
  options: ConsoleClientSettings & {
    name: string;
    autoConnect: boolean;
    maxReconnectDelayMs: number;
    onClipboard(text: string): void;
    /** The display to ask for; changing it reconnects. */
    display?: ConsoleDisplay;
    /** How the canvases are made; the person's stored mode by default. Applies from the next connection. */
    canvas?: ConsoleCanvasMode;
  },
) {
  const { name, autoConnect, maxReconnectDelayMs, mode, viewOnly } = options;
  const discoveryApi = useApi(discoveryApiRef);
  const identityApi = useApi(identityApiRef);
  const storageApi = useApi(storageApiRef);
  const screen = useRef<HTMLDivElement>(null);
  const rfb = useRef<RFB>();
  const channel = useRef<ConsoleChannel>();
  // What the next client is made with, and whom its clipboard goes to.
  const settings = useRef(options);
  settings.current = options;
  const attempts = useRef(0);
  const earlyDrops = useRef(0);
  const moves = useRef(0);
  const retryTimer = useRef<ReturnType<typeof setInterval>>();
  const userClosed = useRef(false);
  const [state, setState] = useState<ConsoleState>({ kind: 'idle' });
  // Which display the proxy says this session shows, and why.
  const [shown, setShown] = useState<ConsoleDisplayMessage>();
  const display = options.display ?? 'desktop';

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
      const [{ default: RFBClass }, baseUrl, { token }, canvasMode] =
        await Promise.all([
          import('@novnc/novnc'),
          discoveryApi.getBaseUrl('workspaces'),
          identityApi.getCredentials(),
          settings.current.canvas ??
            readConsolePreference(storageApi, CANVAS_MODE_PREFERENCE),
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
      const client = createConsoleClient(
        RFBClass,
        screen.current,
        wrapped,
        canvasMode,
        settings.current,
      );
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
        const next = afterClose({
          code: closed?.code ?? 1006,
          reason: closed?.reason,
          userClosed: userClosed.current,
          connectedFor:
            connectedAt === undefined ? undefined : Date.now() - connectedAt,
          moves: moves.current,
          earlyDrops: earlyDrops.current,
          attempts: attempts.current,
          maxReconnectDelayMs,
        });
        const { reason } = next;
        if (next.kind === 'move') {
          moves.current += 1;
          connect(false, {
            kind: 'reconnecting',
            inSeconds: 0,
            reason,
          }).catch(e => setState({ kind: 'disconnected', reason: String(e) }));
        } else if (next.kind === 'rejoin') {
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
        } else if (next.kind === 'backoff') {
          attempts.current += 1;
          let left = Math.ceil(next.delayMs / 1000);
          setState({ kind: 'reconnecting', inSeconds: left, reason });
          retryTimer.current = setInterval(() => {
            left -= 1;
            if (left <= 0) {
              connect();
            } else {
              setState({ kind: 'reconnecting', inSeconds: left, reason });
            }
          }, 1000);
        } else {
          setState({ kind: next.kind, reason });
        }
      });
    },
    [discoveryApi, identityApi, storageApi, name, maxReconnectDelayMs, display],
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
