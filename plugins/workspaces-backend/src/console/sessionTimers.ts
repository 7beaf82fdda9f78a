import { WebSocket } from 'ws';

const KEEPALIVE_MS = 20_000;
// A desktop in use is never idle for housekeeping, however long the session.
const ACTIVITY_MS = 60_000;

/**
 * Starts the timers of a relaying console session; returns what stops them.
 * The idle close is armed for the exact moment the session would turn idle,
 * so it comes when the console page's countdown reaches zero.
 */
export function startSessionTimers(options: {
  ws: WebSocket;
  /** When the browser last sent input, in epoch milliseconds. */
  lastInput(): number;
  idleTimeoutMs: number;
  /** Every keepalive: what is counted on the hot path goes to metrics. */
  onKeepalive(): void;
  /** The session went without input for `idleTimeoutMs`; timers are stopped. */
  onIdle(): void;
  /** At most once a minute, when there was input since the last call. */
  onActivity(): void;
}): () => void {
  const { ws, lastInput, idleTimeoutMs } = options;
  const keepalive = setInterval(() => {
    options.onKeepalive();
    // Proxies and the API server drop quiet websockets.
    if (ws.readyState === WebSocket.OPEN) ws.ping();
  }, KEEPALIVE_MS).unref();
  let recordedInput = lastInput();
  const activity = setInterval(() => {
    if (lastInput() === recordedInput) return;
    recordedInput = lastInput();
    options.onActivity();
  }, ACTIVITY_MS).unref();
  let idleTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    clearInterval(keepalive);
    clearInterval(activity);
    clearTimeout(idleTimer);
  };
  const checkIdle = () => {
    const left = lastInput() + idleTimeoutMs - Date.now();
    if (left <= 0) {
      stop();
      options.onIdle();
    } else {
      idleTimer = setTimeout(checkIdle, left).unref();
    }
  };
  checkIdle();
  return stop;
}
