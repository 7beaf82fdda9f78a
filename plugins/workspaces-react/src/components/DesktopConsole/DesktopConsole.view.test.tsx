import { act, fireEvent, screen } from '@testing-library/react';
import { mockApis } from '@backstage/test-utils';
import { FakeWebSocket, renderConsole } from './__testUtils__/consoleFakes';

// The console's layout, toolbar and what it measures; the connection's own
// behaviour is in DesktopConsole.test.tsx.
jest.mock('@novnc/novnc', () => require('./__testUtils__/fakeNovnc'));

jest.setTimeout(20_000);

/** Connects under a fake clock, from the moment the console starts measuring. */
async function connectWithFakeClock() {
  const { rfb, socket } = await renderConsole();
  jest.useFakeTimers();
  act(() => {
    rfb.dispatchEvent(new Event('connect'));
  });
  return { rfb, socket };
}

const tick = (ms: number) =>
  act(() => {
    jest.advanceTimersByTime(ms);
  });

const MINUTES_30 = 30 * 60_000;

describe('DesktopConsole view', () => {
  beforeEach(() => {
    (global as any).WebSocket = FakeWebSocket;
    window.localStorage.clear();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('fits the desktop to the window by default, and remembers 100% for the next console', async () => {
    const storage = mockApis.storage();
    const { rfb, rendered } = await renderConsole({}, {}, storage);
    const fit = screen.getByRole('button', { name: 'Fit' });
    const actual = screen.getByRole('button', { name: '100%' });
    expect(fit).toHaveAttribute('aria-pressed', 'true');
    expect(actual).toHaveAttribute('aria-pressed', 'false');
    expect(rfb).toMatchObject({ resizeSession: true, scaleViewport: true });

    fireEvent.click(actual);
    expect(rfb).toMatchObject({ resizeSession: false, scaleViewport: false });
    expect(actual).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('desktop-console')).toHaveAttribute(
      'data-view-mode',
      'actual',
    );
    // The labels stay what they are, whichever mode is on.
    expect(screen.getByRole('button', { name: 'Fit' })).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Full screen' }),
    ).toBeInTheDocument();

    const viewOnly = screen.getByRole('button', { name: 'View only' });
    fireEvent.click(viewOnly);
    expect(rfb.viewOnly).toBe(true);
    expect(viewOnly).toHaveAttribute('aria-pressed', 'true');

    rendered.unmount();
    const again = await renderConsole({}, {}, storage);
    expect(again.rfb).toMatchObject({
      resizeSession: false,
      scaleViewport: false,
    });
    expect(screen.getByRole('button', { name: '100%' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('keeps the keys and clipboard panels closed until asked for', async () => {
    await renderConsole();
    const keys = screen.getByTestId('desktop-console-keys-panel');
    const clipboard = screen.getByTestId('desktop-console-clipboard-panel');
    expect(keys).not.toBeVisible();
    expect(clipboard).not.toBeVisible();
    const keysToggle = screen.getByRole('button', { name: 'Keys' });
    expect(keysToggle).toHaveAttribute('aria-expanded', 'false');

    fireEvent.click(keysToggle);
    expect(keys).toBeVisible();
    expect(clipboard).not.toBeVisible();
    expect(keysToggle).toHaveAttribute('aria-expanded', 'true');
    fireEvent.click(screen.getByRole('button', { name: 'Clipboard' }));
    expect(clipboard).toBeVisible();

    fireEvent.click(keysToggle);
    expect(keys).not.toBeVisible();
    expect(clipboard).toBeVisible();
  });

  it('shows the round trip, frames and bytes it measured over the last second', async () => {
    const { rfb, socket } = await connectWithFakeClock();
    const noVncGot = jest.fn();
    rfb.channel.onmessage = noVncGot;
    // The first ping goes out as soon as the console connects.
    expect(socket.sent).toHaveLength(1);
    expect(JSON.parse(socket.sent[0] as string)).toMatchObject({
      type: 'ping',
    });
    tick(40);
    act(() => {
      socket.pong({ idleMs: 0, idleTimeoutMs: MINUTES_30, viewers: 1 });
      socket.receive(new ArrayBuffer(150_000));
      socket.receive(new ArrayBuffer(100_000));
      for (let i = 0; i < 12; i++) rfb._display.flip();
    });
    // Pongs are the portal's, not RFB: noVNC never sees them.
    expect(noVncGot).toHaveBeenCalledTimes(2);
    expect(rfb.flips).toBe(12);
    // noVNC's canvas: a 1280×800 desktop shown 1011 px wide.
    const canvas = document.createElement('canvas');
    canvas.width = 1280;
    canvas.height = 800;
    canvas.getBoundingClientRect = () => ({ width: 1011 } as DOMRect);
    // The label is measured as the canvas appears, in a microtask.
    await act(async () => {
      rfb.target.appendChild(canvas);
    });
    tick(960);

    expect(screen.getByTestId('desktop-console-scale')).toHaveTextContent(
      '1280×800 · 79%',
    );
    expect(
      screen.getByTestId('desktop-console-canvas-container'),
    ).toHaveAttribute('data-scale-percent', '79');
    const indicator = screen.getByTestId('desktop-console-connection');
    expect(indicator).toHaveTextContent('40 ms · 12 fps · 250 kB/s');
    expect(indicator).toHaveAttribute('data-quality', 'good');
    expect(
      screen.getByRole('img', {
        name: 'Connection good, round trip 40 ms, 12 frames per second, 250 kB/s received',
      }),
    ).toBeInTheDocument();

    // A quiet second is measured as such, and a slow answer turns it poor.
    tick(300);
    act(() =>
      socket.pong({ idleMs: 0, idleTimeoutMs: MINUTES_30, viewers: 1 }),
    );
    tick(700);
    expect(indicator).toHaveTextContent('300 ms · 0 fps · 0 B/s');
    expect(indicator).toHaveAttribute('data-quality', 'poor');
  });

  it('updates the size label as the desktop resizes, not on the next sample', async () => {
    const { rfb } = await connectWithFakeClock();
    const label = () => screen.queryByTestId('desktop-console-scale');
    // noVNC's canvas: a 1280×800 desktop shown 1011 px wide.
    let shown = 1011;
    const canvas = document.createElement('canvas');
    canvas.width = 1280;
    canvas.height = 800;
    canvas.getBoundingClientRect = () => ({ width: shown } as DOMRect);
    await act(async () => {
      rfb.target.appendChild(canvas);
    });
    // The clock stands still: only the change itself can have told it.
    expect(label()).toHaveTextContent('1280×800 · 79%');

    // Fit: the desktop takes the area's size; noVNC sets the canvas's size
    // and then its scale.
    shown = 1016;
    await act(async () => {
      canvas.width = 1016;
      canvas.height = 339;
      canvas.style.width = '1016px';
    });
    expect(label()).toHaveTextContent('1016×339 · 100%');
    expect(
      screen.getByTestId('desktop-console-canvas-container'),
    ).toHaveAttribute('data-scale-percent', '100');

    // A desktop that cannot resize is scaled down as the window shrinks.
    shown = 508;
    await act(async () => {
      canvas.style.width = '508px';
    });
    expect(label()).toHaveTextContent('1016×339 · 50%');
  });

  it('shows how many people view the desktop, as the proxy counts them', async () => {
    const { socket } = await connectWithFakeClock();
    expect(screen.queryByTestId('desktop-console-viewers')).toBeNull();
    act(() =>
      socket.pong({ idleMs: 0, idleTimeoutMs: MINUTES_30, viewers: 2 }),
    );
    tick(1000);
    expect(screen.getByTestId('desktop-console-viewers')).toHaveTextContent(
      '2 viewers',
    );
    act(() =>
      socket.pong({ idleMs: 0, idleTimeoutMs: MINUTES_30, viewers: 1 }),
    );
    tick(1000);
    expect(screen.getByTestId('desktop-console-viewers')).toHaveTextContent(
      '1 viewer',
    );
  });

  it('counts down the last minute before the idle disconnect, and stops at input', async () => {
    const { rfb, socket } = await connectWithFakeClock();
    act(() =>
      socket.pong({ idleMs: 30_000, idleTimeoutMs: 100_000, viewers: 1 }),
    );
    tick(1000);
    // 69 s left: no warning yet.
    expect(screen.queryByTestId('desktop-console-idle-warning')).toBeNull();
    tick(10_000);
    const warning = screen.getByTestId('desktop-console-idle-warning');
    expect(warning).toHaveTextContent(
      'Disconnecting in 0:59 for inactivity — move the mouse or press a key to stay',
    );
    expect(warning).toHaveAttribute('role', 'alert');
    tick(1000);
    expect(warning).toHaveTextContent('Disconnecting in 0:58');

    // A mouse move noVNC sends is input by the proxy's rule.
    act(() => rfb.channel.send(Uint8Array.of(5, 0, 0, 10, 0, 20)));
    tick(1000);
    expect(screen.queryByTestId('desktop-console-idle-warning')).toBeNull();

    // An update request is not: the proxy's count goes on.
    tick(38_000);
    act(() => rfb.channel.send(Uint8Array.of(3, 1, 0, 0, 0, 0, 4, 0, 3, 0)));
    tick(1000);
    expect(
      screen.getByTestId('desktop-console-idle-warning'),
    ).toHaveTextContent('Disconnecting in 1:00');
    // Input from another path the proxy saw resets it too.
    act(() => socket.pong({ idleMs: 200, idleTimeoutMs: 100_000, viewers: 1 }));
    tick(1000);
    expect(screen.queryByTestId('desktop-console-idle-warning')).toBeNull();
  });
});
