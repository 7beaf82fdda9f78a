import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import FakeRFB from './__testUtils__/fakeNovnc';
import { FakeWebSocket, renderConsole } from './__testUtils__/consoleFakes';

// The browser's clipboard in the console; useClipboardSync.test.ts has the
// details of key order and permissions.
jest.mock('@novnc/novnc', () => require('./__testUtils__/fakeNovnc'));

jest.setTimeout(20_000);

FakeRFB.addsCanvas = true;

async function connectedConsole() {
  const { rfb } = await renderConsole();
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
