import { WebSocket } from 'ws';
import { startSessionTimers } from './sessionTimers';

describe('startSessionTimers', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  function start(idleTimeoutMs = 90_000) {
    let lastInput = Date.now();
    const ws = { readyState: WebSocket.OPEN as number, ping: jest.fn() };
    const calls = { idle: 0, activity: 0, keepalive: 0 };
    const stop = startSessionTimers({
      ws: ws as unknown as WebSocket,
      lastInput: () => lastInput,
      idleTimeoutMs,
      onKeepalive: () => calls.keepalive++,
      onIdle: () => calls.idle++,
      onActivity: () => calls.activity++,
    });
    return { ws, calls, stop, input: () => (lastInput = Date.now()) };
  }

  it('closes at the exact moment the session turns idle, counted from the last input', () => {
    const { calls, input } = start(90_000);
    jest.advanceTimersByTime(50_000);
    input();
    jest.advanceTimersByTime(89_999);
    expect(calls.idle).toBe(0);
    jest.advanceTimersByTime(1);
    expect(calls.idle).toBe(1);
  });

  it('stops every timer once idle, so nothing fires after the close', () => {
    const { ws, calls } = start(30_000);
    jest.advanceTimersByTime(30_000);
    expect(calls.idle).toBe(1);
    const pings = ws.ping.mock.calls.length;
    jest.advanceTimersByTime(10 * 60_000);
    expect(calls).toEqual({ idle: 1, activity: 0, keepalive: 1 });
    expect(ws.ping.mock.calls.length).toBe(pings);
  });

  it('pings the browser on every keepalive while the socket is open', () => {
    const { ws, calls } = start();
    jest.advanceTimersByTime(40_000);
    expect(calls.keepalive).toBe(2);
    expect(ws.ping).toHaveBeenCalledTimes(2);
    ws.readyState = WebSocket.CLOSING;
    jest.advanceTimersByTime(20_000);
    expect(calls.keepalive).toBe(3);
    expect(ws.ping).toHaveBeenCalledTimes(2);
  });

  it('reports activity once a minute only when there was input since', () => {
    const { calls, input } = start(10 * 60_000);
    jest.advanceTimersByTime(60_000);
    expect(calls.activity).toBe(0);
    input();
    jest.advanceTimersByTime(60_000);
    expect(calls.activity).toBe(1);
    jest.advanceTimersByTime(60_000);
    expect(calls.activity).toBe(1);
  });

  it('fires nothing once stopped', () => {
    const { calls, stop } = start(30_000);
    stop();
    jest.advanceTimersByTime(10 * 60_000);
    expect(calls).toEqual({ idle: 0, activity: 0, keepalive: 0 });
  });
});
