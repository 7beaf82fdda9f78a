import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { rfbInstances } from './__testUtils__/fakeNovnc';
import {
  FakeWebSocket,
  renderConsole as renderAnyConsole,
  socketOf,
} from './__testUtils__/consoleFakes';

jest.mock('@novnc/novnc', () => require('./__testUtils__/fakeNovnc'));

jest.setTimeout(20_000);

const renderConsole = async () => (await renderAnyConsole()).rfb;

/** The proxy's display message, as it sends it before any RFB. */
function tell(rfb: any, message: object) {
  act(() => socketOf(rfb).receive(JSON.stringify(message)));
}

const BASE = 'ws://localhost:7007/api/workspaces/workspaces/alice-dev/console';
const BOTH = ['desktop', 'console'];

// A KubeVirt desktop has two displays: its own (the guest's VNC server)
// and the VM console; the tab switches between them and says when the
// proxy fell back to the console.
describe('DesktopConsole displays', () => {
  beforeEach(() => {
    (global as any).WebSocket = FakeWebSocket;
    window.localStorage.clear();
  });

  it('offers no switch for a desktop with one display', async () => {
    const rfb = await renderConsole();
    tell(rfb, { type: 'display', display: 'desktop' });
    expect(
      screen.queryByTestId('desktop-console-display-switch'),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByTestId('desktop-console-display-fallback'),
    ).not.toBeInTheDocument();
  });

  it('switches to the console (boot screen) and back, reconnecting each time', async () => {
    const rfb = await renderConsole();
    expect(socketOf(rfb).url).toBe(BASE);
    tell(rfb, { type: 'display', display: 'desktop', displays: BOTH });
    fireEvent.click(
      screen.getByRole('button', { name: 'Console (boot screen)' }),
    );
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    expect(FakeWebSocket.instances[1].url).toBe(`${BASE}?display=console`);
    expect(rfb.disconnected).toBe(true);

    tell(rfbInstances[1], {
      type: 'display',
      display: 'console',
      displays: BOTH,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Desktop' }));
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(3));
    expect(FakeWebSocket.instances[2].url).toBe(BASE);
  });

  it('says when the desktop did not answer and the VM console shows instead', async () => {
    const rfb = await renderConsole();
    tell(rfb, {
      type: 'display',
      display: 'console',
      fallback:
        "The desktop's own display is not answering: nothing listens on its VNC port yet",
      displays: BOTH,
    });
    expect(
      screen.getByTestId('desktop-console-display-fallback'),
    ).toHaveTextContent(
      "The desktop's own display is not answering (booting?); showing the VM console",
    );
    expect(
      screen.getByRole('button', { name: 'Console (boot screen)' }),
    ).toHaveAttribute('aria-pressed', 'false');

    fireEvent.click(
      screen.getByRole('button', { name: 'Try the desktop again' }),
    );
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    expect(FakeWebSocket.instances[1].url).toBe(BASE);
    // The new session has not said yet which display it got.
    expect(
      screen.queryByTestId('desktop-console-display-fallback'),
    ).not.toBeInTheDocument();
  });
});
