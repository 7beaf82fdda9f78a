import { act, renderHook, waitFor } from '@testing-library/react';
import { isPasteShortcut, useClipboardSync } from './useClipboardSync';

/** What reaches the desktop, in order: pastes and the keys noVNC hears. */
let log: string[];
let screen: HTMLDivElement;
let canvas: HTMLCanvasElement;

class FakeRFB extends EventTarget {
  clipboardPasteFrom(text: string) {
    log.push(`paste ${text}`);
  }
}

function mockClipboard(clipboard?: Partial<Clipboard>) {
  Object.defineProperty(navigator, 'clipboard', {
    value: clipboard,
    configurable: true,
  });
}

function press(type: 'keydown' | 'keyup', init: KeyboardEventInit) {
  canvas.dispatchEvent(
    new KeyboardEvent(type, { bubbles: true, cancelable: true, ...init }),
  );
}

function renderSync(props: { connected?: boolean; viewOnly?: boolean } = {}) {
  const rfb = { current: new FakeRFB() as any };
  const hook = renderHook(
    (p: { connected: boolean; viewOnly: boolean }) =>
      useClipboardSync({ screen: { current: screen }, rfb, ...p }),
    { initialProps: { connected: true, viewOnly: false, ...props } },
  );
  return { ...hook, rfb };
}

const V = { key: 'v', code: 'KeyV', ctrlKey: true };

function heard(e: KeyboardEvent) {
  const numlock = e.getModifierState('NumLock') ? ' numlock' : '';
  log.push(`${e.type} ${e.ctrlKey ? 'ctrl+' : ''}${e.key}${numlock}`);
}

describe('useClipboardSync', () => {
  beforeEach(() => {
    log = [];
    screen = document.createElement('div');
    canvas = document.createElement('canvas');
    screen.appendChild(canvas);
    document.body.appendChild(screen);
    // noVNC listens on its canvas.
    canvas.addEventListener('keydown', heard);
    canvas.addEventListener('keyup', heard);
    jest.spyOn(document, 'hasFocus').mockReturnValue(true);
  });

  afterEach(() => {
    screen.remove();
    mockClipboard(undefined);
    jest.restoreAllMocks();
  });

  it("puts the browser's clipboard into the desktop's before Ctrl+V reaches it, keeping the keys in order", async () => {
    let resolve!: (text: string) => void;
    mockClipboard({
      readText: () => new Promise<string>(r => (resolve = r)),
      writeText: jest.fn(),
    });
    const { result } = renderSync();
    expect(result.current.read).toBe('unknown');

    press('keydown', { key: 'Control', code: 'ControlLeft', ctrlKey: true });
    press('keydown', { ...V, modifierNumLock: true });
    // Released while the browser still reads its clipboard.
    press('keyup', { ...V, modifierNumLock: true });
    press('keyup', { key: 'Control', code: 'ControlLeft' });
    expect(log).toEqual(['keydown ctrl+Control']);

    await act(async () => resolve('こんにちは, Grüße €'));
    expect(log).toEqual([
      'keydown ctrl+Control',
      'paste こんにちは, Grüße €',
      // Ctrl again, in case a permission prompt made noVNC release it.
      'keydown ctrl+Control numlock',
      'keydown ctrl+v numlock',
      'keyup ctrl+v numlock',
      'keyup Control',
    ]);
    expect(result.current.read).toBe('allowed');
  });

  it('still lets Ctrl+V through when the browser refuses, and says it refused', async () => {
    mockClipboard({
      readText: () =>
        Promise.reject(
          new DOMException('Read permission denied.', 'NotAllowedError'),
        ),
      writeText: jest.fn(),
    });
    const { result } = renderSync();
    press('keydown', V);
    await waitFor(() => expect(result.current.read).toBe('denied'));
    expect(log).toEqual(['keydown ctrl+Control', 'keydown ctrl+v']);
  });

  it('leaves other keys, and every key in view-only mode, to noVNC at once', () => {
    const readText = jest.fn(() => Promise.resolve('text'));
    mockClipboard({ readText, writeText: jest.fn() });
    const { rerender } = renderSync();
    press('keydown', { key: 'c', code: 'KeyC', ctrlKey: true });
    press('keydown', { key: 'v', code: 'KeyV' });
    rerender({ connected: true, viewOnly: true });
    press('keydown', V);
    expect(log).toEqual(['keydown ctrl+c', 'keydown v', 'keydown ctrl+v']);
    expect(readText).not.toHaveBeenCalled();
  });

  it("writes what the desktop copies into the browser's clipboard, and says when refused", async () => {
    const writeText = jest
      .fn()
      .mockResolvedValueOnce(undefined)
      .mockRejectedValueOnce(new DOMException('denied', 'NotAllowedError'));
    mockClipboard({ readText: jest.fn(), writeText });
    const { result, rfb } = renderSync();
    const copy = (text: string) =>
      act(async () => {
        rfb.current.dispatchEvent(
          new CustomEvent('clipboard', { detail: { text } }),
        );
      });
    await copy('日本語');
    expect(writeText).toHaveBeenLastCalledWith('日本語');
    expect(result.current.write).toBe('allowed');
    await copy('again');
    expect(result.current.write).toBe('denied');
  });

  it('keeps what the desktop copies while the page has no focus, and writes it on return', async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    mockClipboard({ readText: jest.fn(), writeText });
    const { rfb } = renderSync();
    jest.spyOn(document, 'hasFocus').mockReturnValue(false);
    rfb.current.dispatchEvent(
      new CustomEvent('clipboard', { detail: { text: 'one' } }),
    );
    rfb.current.dispatchEvent(
      new CustomEvent('clipboard', { detail: { text: 'two' } }),
    );
    expect(writeText).not.toHaveBeenCalled();
    jest.spyOn(document, 'hasFocus').mockReturnValue(true);
    await act(async () => {
      window.dispatchEvent(new Event('focus'));
    });
    expect(writeText.mock.calls).toEqual([['two']]);
  });

  it('reports a browser without the async Clipboard API, and stays out of the way', () => {
    mockClipboard(undefined);
    const { result } = renderSync();
    expect(result.current).toEqual({
      read: 'unsupported',
      write: 'unsupported',
    });
    press('keydown', V);
    expect(log).toEqual(['keydown ctrl+v']);
  });
});

describe('isPasteShortcut', () => {
  const key = (init: KeyboardEventInit) =>
    isPasteShortcut(new KeyboardEvent('keydown', init));

  it('knows Ctrl+V, Ctrl+Shift+V and Cmd+V', () => {
    expect(key(V)).toBe(true);
    expect(key({ ...V, key: 'V', shiftKey: true })).toBe(true);
    expect(key({ key: 'v', code: 'KeyV', metaKey: true })).toBe(true);
  });

  it('goes by the letter on Latin layouts and by the place on others', () => {
    // Dvorak has V where QWERTY has the full stop, and K where it has V.
    expect(key({ key: 'v', code: 'Period', ctrlKey: true })).toBe(true);
    expect(key({ key: 'k', code: 'KeyV', ctrlKey: true })).toBe(false);
    // A Russian layout's key in V's place.
    expect(key({ key: 'м', code: 'KeyV', ctrlKey: true })).toBe(true);
  });

  it('leaves V alone without Ctrl or Cmd, or with Alt', () => {
    expect(key({ key: 'v', code: 'KeyV' })).toBe(false);
    expect(key({ ...V, altKey: true })).toBe(false);
  });
});
