import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { decodeConsoleTokenProtocol } from '@desktop-mania/plugin-workspaces-common';
import { rfbInstances } from './__testUtils__/fakeNovnc';
import {
  FakeWebSocket,
  renderConsole as renderAnyConsole,
  settle,
  socketOf,
} from './__testUtils__/consoleFakes';

jest.mock('@novnc/novnc', () => require('./__testUtils__/fakeNovnc'));

// The move tests render the console once per reconnect; with every suite
// running at once on two cores that can pass 5 s.
jest.setTimeout(20_000);

async function renderConsole() {
  const { rfb } = await renderAnyConsole(
    {},
    { token: 'header.payload.signature' },
  );
  return rfb;
}

/** What noVNC does when its channel ends: the socket closes, then it reports. */
function drop(rfb: any, code: number, reason = '') {
  act(() => {
    socketOf(rfb).close(code, reason);
    rfb.dispatchEvent(new Event('disconnect'));
  });
}

const MOVED =
  "The desktop 'alice-dev' is moving to another node; connect again to reach it there";

describe('DesktopConsole', () => {
  beforeEach(() => {
    (global as any).WebSocket = FakeWebSocket;
    window.localStorage.clear();
  });

  it('connects with the token as a subprotocol, never in the URL', async () => {
    const rfb = await renderConsole();
    const socket = FakeWebSocket.instances[0];
    expect(socket.url).toBe(
      'ws://localhost:7007/api/workspaces/workspaces/alice-dev/console',
    );
    expect(socket.url).not.toContain('header.payload');
    expect(socket.protocols[0]).toBe('binary');
    expect(decodeConsoleTokenProtocol(socket.protocols[1])).toBe(
      'header.payload.signature',
    );
    expect(socket.binaryType).toBe('arraybuffer');
    expect(rfb.channel.binaryType).toBe('arraybuffer');
    expect(rfb.scaleViewport).toBe(true);
    expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
      'Connecting',
    );
    act(() => {
      rfb.dispatchEvent(new Event('connect'));
    });
    expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
      'Connected',
    );
  });

  it('sends Ctrl+Alt+Del, pastes and types text as keystrokes', async () => {
    const rfb = await renderConsole();
    act(() => {
      rfb.dispatchEvent(new Event('connect'));
    });
    fireEvent.click(screen.getByRole('button', { name: 'Keys' }));
    fireEvent.click(screen.getByRole('button', { name: 'Clipboard' }));
    fireEvent.click(screen.getByRole('button', { name: 'Send Ctrl+Alt+Del' }));
    expect(rfb.ctrlAltDel).toBe(1);
    fireEvent.change(screen.getByTestId('desktop-clipboard-local'), {
      target: { value: 'ls -A\n' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Paste to desktop' }));
    expect(rfb.pasted).toEqual(['ls -A\n']);
    fireEvent.click(screen.getByRole('button', { name: 'Type into desktop' }));
    expect(rfb.sent.map(([k]: [number]) => k)).toEqual([
      0x6c, 0x73, 0x20, 0x2d, 0x41, 0xff0d,
    ]);
  });

  it('shows what the desktop copied', async () => {
    const rfb = await renderConsole();
    act(() => {
      rfb.dispatchEvent(new Event('connect'));
      const e = new Event('clipboard') as any;
      e.detail = { text: 'copied on the desktop' };
      rfb.dispatchEvent(e);
    });
    expect(screen.getByTestId('desktop-clipboard-remote')).toHaveValue(
      'copied on the desktop',
    );
  });

  it('offers to take over a seat someone else holds', async () => {
    const rfb = await renderConsole();
    drop(rfb, 4409, 'Someone else is connected to this desktop');
    expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
      'In use: Someone else is connected',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Take over' }));
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    expect(FakeWebSocket.instances[1].url).toMatch(/\/console\?takeover=true$/);
  });

  it('reconnects after a dropped connection with a growing delay', async () => {
    jest.useFakeTimers();
    try {
      const rfb = await renderConsole();
      drop(rfb, 1006);
      expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
        'reconnecting in 1 s',
      );
      await act(async () => {
        jest.advanceTimersByTime(1000);
      });
      await waitFor(() => expect(rfbInstances).toHaveLength(2));
      drop(rfbInstances[1], 1006);
      expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
        'reconnecting in 2 s',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('reconnects at once, without a countdown, when the desktop moves to another host', async () => {
    const rfb = await renderConsole();
    jest.useFakeTimers();
    try {
      act(() => {
        rfb.dispatchEvent(new Event('connect'));
      });
      drop(rfb, 4307, MOVED);
      await settle();
      expect(rfbInstances).toHaveLength(2);
      expect(FakeWebSocket.instances[1].url).toMatch(/\/console$/);
      expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
        'The desktop is moving to another host; reconnecting…',
      );
      expect(screen.queryByText(/Disconnected/)).not.toBeInTheDocument();
      act(() => {
        rfbInstances[1].dispatchEvent(new Event('connect'));
      });
      expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
        'Connected',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives up with the usual error after five moves in a row', async () => {
    const rfb = await renderConsole();
    jest.useFakeTimers();
    try {
      drop(rfb, 4307, MOVED);
      for (let i = 1; i <= 5; i++) {
        await settle();
        expect(rfbInstances).toHaveLength(i + 1);
        if (i < 5) drop(rfbInstances[i], 4307, MOVED);
      }
      drop(rfbInstances[5], 4307, MOVED);
      expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
        `Disconnected: ${MOVED}`,
      );
      await act(async () => {
        jest.advanceTimersByTime(60_000);
      });
      await settle();
      expect(rfbInstances).toHaveLength(6);

      // Connecting by hand starts a fresh count.
      fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
      await settle();
      expect(rfbInstances).toHaveLength(7);
      drop(rfbInstances[6], 4307, MOVED);
      await settle();
      expect(rfbInstances).toHaveLength(8);
    } finally {
      jest.useRealTimers();
    }
  });

  it('stays disconnected when Disconnect is pressed while a move reconnects', async () => {
    const rfb = await renderConsole();
    jest.useFakeTimers();
    try {
      drop(rfb, 4307, MOVED);
      fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
      await settle();
      expect(rfbInstances).toHaveLength(1);
      expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
        'Disconnected: you disconnected',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts moves afresh once a reconnect gets through', async () => {
    const rfb = await renderConsole();
    jest.useFakeTimers();
    try {
      drop(rfb, 4307, MOVED);
      for (let i = 1; i <= 8; i++) {
        await settle();
        expect(rfbInstances).toHaveLength(i + 1);
        act(() => {
          rfbInstances[i].dispatchEvent(new Event('connect'));
        });
        drop(rfbInstances[i], 4307, MOVED);
      }
      await settle();
      expect(rfbInstances).toHaveLength(10);
      expect(screen.queryByText(/Disconnected/)).not.toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });

  it('tries again when the desktop drops it as it joins, and only then', async () => {
    jest.useFakeTimers();
    try {
      const rfb = await renderConsole();
      const ended = 'The desktop closed the connection';
      // Dropped while joining (another viewer resized the desktop): retried.
      act(() => {
        rfb.dispatchEvent(new Event('connect'));
      });
      drop(rfb, 1000, ended);
      await act(async () => {
        jest.advanceTimersByTime(1000);
      });
      await waitFor(() => expect(rfbInstances).toHaveLength(2));
      act(() => {
        rfbInstances[1].dispatchEvent(new Event('connect'));
      });
      // Once it has been in for a while, the desktop ending it is final.
      jest.advanceTimersByTime(5000);
      drop(rfbInstances[1], 1000, ended);
      await act(async () => {
        jest.advanceTimersByTime(2000);
      });
      expect(rfbInstances).toHaveLength(2);
      expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
        `Disconnected: ${ended}`,
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives up on a desktop that keeps dropping it as it joins', async () => {
    jest.useFakeTimers();
    try {
      await renderConsole();
      const dropped = 'The desktop closed the connection';
      for (let tries = 1; tries <= 3; tries++) {
        drop(rfbInstances[tries - 1], 1000, dropped);
        await act(async () => {
          jest.advanceTimersByTime(1000);
        });
        await waitFor(() => expect(rfbInstances).toHaveLength(tries + 1));
      }
      drop(rfbInstances[3], 1000, dropped);
      await act(async () => {
        jest.advanceTimersByTime(1000);
      });
      expect(rfbInstances).toHaveLength(4);
      expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
        'Disconnected: The desktop closed the connection',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not retry a refusal a retry cannot fix', async () => {
    const rfb = await renderConsole();
    drop(rfb, 4412, 'The desktop is not running');
    expect(screen.getByTestId('desktop-console-status')).toHaveTextContent(
      'Disconnected: The desktop is not running',
    );
    expect(screen.queryByText(/reconnecting/)).not.toBeInTheDocument();
  });
});
