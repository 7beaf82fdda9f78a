import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { discoveryApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { DesktopConsole } from './DesktopConsole';

const rfbInstances: any[] = [];

jest.mock('@novnc/novnc', () => ({
  __esModule: true,
  default: class FakeRFB extends EventTarget {
    viewOnly = false;
    scaleViewport = false;
    resizeSession = false;
    background = '';
    sent: Array<[number, string | null, boolean | undefined]> = [];
    pasted: string[] = [];
    ctrlAltDel = 0;
    disconnected = false;
    // What the console counts framebuffer updates by.
    _display = { flip() {} };
    constructor(
      readonly target: HTMLElement,
      readonly channel: any,
      readonly options: any,
    ) {
      super();
      rfbInstances.push(this);
    }
    sendKey(keysym: number, code: string | null, down?: boolean) {
      this.sent.push([keysym, code, down]);
    }
    clipboardPasteFrom(text: string) {
      this.pasted.push(text);
    }
    sendCtrlAltDel() {
      this.ctrlAltDel += 1;
    }
    focus() {}
    disconnect() {
      this.disconnected = true;
      this.channel.close(1000, '');
    }
  },
}));

jest.setTimeout(20_000);

class FakeWebSocket extends EventTarget {
  static OPEN = 1;
  static instances: FakeWebSocket[] = [];
  binaryType = 'blob';
  readyState = 1;
  protocol = 'binary';
  sent: Array<string | Uint8Array> = [];
  constructor(readonly url: string, readonly protocols: string[]) {
    super();
    FakeWebSocket.instances.push(this);
  }
  send(data: string | Uint8Array) {
    this.sent.push(data);
  }
  close(code = 1000, reason = '') {
    const e = new Event('close') as any;
    e.code = code;
    e.reason = reason;
    this.dispatchEvent(e);
  }
}

const apis = [
  [
    discoveryApiRef,
    { getBaseUrl: async () => 'http://localhost:7007/api/workspaces' },
  ],
  [
    identityApiRef,
    { getCredentials: async () => ({ token: 'header.payload.signature' }) },
  ],
] as const;

async function renderConsole(
  props: Partial<Parameters<typeof DesktopConsole>[0]> = {},
) {
  await renderInTestApp(
    <TestApiProvider apis={apis as any}>
      <DesktopConsole name="alice-dev" {...props} />
    </TestApiProvider>,
  );
  await waitFor(() => expect(rfbInstances).toHaveLength(1));
  return rfbInstances[0];
}

/** The websocket under the channel a noVNC client was given. */
const socketOf = (rfb: any) =>
  FakeWebSocket.instances[rfbInstances.indexOf(rfb)];

/** The proxy's display message, as it sends it before any RFB. */
function tell(rfb: any, message: object) {
  act(() => {
    socketOf(rfb).dispatchEvent(
      new MessageEvent('message', { data: JSON.stringify(message) }),
    );
  });
}

const BASE = 'ws://localhost:7007/api/workspaces/workspaces/alice-dev/console';
const BOTH = ['desktop', 'console'];

// A KubeVirt desktop has two displays: its own (the guest's VNC server)
// and the VM console; the tab switches between them and says when the
// proxy fell back to the console.
describe('DesktopConsole displays', () => {
  beforeEach(() => {
    rfbInstances.length = 0;
    FakeWebSocket.instances.length = 0;
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
