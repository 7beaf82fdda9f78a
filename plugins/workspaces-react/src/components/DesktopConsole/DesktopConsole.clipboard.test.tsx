import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { discoveryApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { DesktopConsole } from './DesktopConsole';

// The browser's clipboard in the console; useClipboardSync.test.ts has the
// details of key order and permissions.
const rfbInstances: any[] = [];

jest.mock('@novnc/novnc', () => ({
  __esModule: true,
  default: class FakeRFB extends EventTarget {
    viewOnly = false;
    scaleViewport = false;
    resizeSession = false;
    background = '';
    pasted: string[] = [];
    keys: string[] = [];
    _display = { flip: () => undefined };
    constructor(
      readonly target: HTMLElement,
      readonly channel: any,
      readonly options: any,
    ) {
      super();
      rfbInstances.push(this);
      // noVNC hears keys on its canvas inside the screen's element.
      const canvas = document.createElement('canvas');
      canvas.tabIndex = -1;
      target.appendChild(canvas);
      canvas.addEventListener('keydown', e => this.keys.push(e.key));
    }
    clipboardPasteFrom(text: string) {
      this.pasted.push(text);
    }
    sendKey() {}
    sendCtrlAltDel() {}
    focus() {}
    disconnect() {
      this.channel.close(1000, '');
    }
  },
}));

jest.setTimeout(20_000);

class FakeWebSocket extends EventTarget {
  static OPEN = 1;
  binaryType = 'blob';
  readyState = 1;
  protocol = 'binary';
  constructor(readonly url: string, readonly protocols: string[]) {
    super();
  }
  send() {}
  close() {}
}

const apis = [
  [
    discoveryApiRef,
    { getBaseUrl: async () => 'http://localhost:7007/api/workspaces' },
  ],
  [identityApiRef, { getCredentials: async () => ({ token: 't' }) }],
] as const;

async function connectedConsole() {
  rfbInstances.length = 0;
  await renderInTestApp(
    <TestApiProvider apis={apis as any}>
      <DesktopConsole name="alice-dev" />
    </TestApiProvider>,
  );
  await waitFor(() => expect(rfbInstances).toHaveLength(1));
  const rfb = rfbInstances[0];
  act(() => {
    rfb.dispatchEvent(new Event('connect'));
  });
  return rfb;
}

function mockClipboard(clipboard?: Partial<Clipboard>) {
  Object.defineProperty(navigator, 'clipboard', {
    value: clipboard,
    configurable: true,
  });
}

const ctrlV = (rfb: any) =>
  fireEvent.keyDown(rfb.target.querySelector('canvas'), {
    key: 'v',
    code: 'KeyV',
    ctrlKey: true,
  });

describe('DesktopConsole and the browser clipboard', () => {
  beforeEach(() => {
    (global as any).WebSocket = FakeWebSocket;
    jest.spyOn(document, 'hasFocus').mockReturnValue(true);
  });
  afterEach(() => {
    mockClipboard(undefined);
    jest.restoreAllMocks();
  });

  it('pastes the browser clipboard on Ctrl+V in the screen and copies what the desktop copies', async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    mockClipboard({ readText: async () => 'Grüße, 日本語', writeText });
    const rfb = await connectedConsole();

    ctrlV(rfb);
    await waitFor(() => expect(rfb.keys).toContain('v'));
    expect(rfb.pasted).toEqual(['Grüße, 日本語']);

    await act(async () => {
      rfb.dispatchEvent(
        new CustomEvent('clipboard', { detail: { text: 'from the desktop' } }),
      );
    });
    expect(writeText).toHaveBeenCalledWith('from the desktop');
    expect(
      screen.queryByTestId('desktop-console-clipboard-sync'),
    ).not.toBeInTheDocument();
  });

  it('says when the browser refuses, and offers the clipboard panel', async () => {
    mockClipboard({
      readText: () =>
        Promise.reject(new DOMException('denied', 'NotAllowedError')),
      writeText: jest.fn(),
    });
    const rfb = await connectedConsole();

    ctrlV(rfb);
    const notice = await screen.findByTestId('desktop-console-clipboard-sync');
    expect(notice).toHaveTextContent(
      /did not allow this page to read its clipboard/,
    );
    expect(rfb.pasted).toEqual([]);
    expect(rfb.keys).toContain('v');
    fireEvent.click(screen.getByRole('button', { name: 'Clipboard panel' }));
    expect(screen.getByTestId('desktop-console-clipboard-panel')).toBeVisible();
  });
});
