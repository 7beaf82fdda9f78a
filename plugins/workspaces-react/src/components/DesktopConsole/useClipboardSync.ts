import {
  type MutableRefObject,
  type RefObject,
  useEffect,
  useRef,
  useState,
} from 'react';
import type RFB from '@novnc/novnc';

/**
 * How far the browser lets the desktop use its clipboard, one way each:
 * unknown until first tried, unsupported where the async Clipboard API is
 * missing (an old browser, or a page not served over HTTPS).
 */
export type ClipboardAccess = 'unknown' | 'allowed' | 'denied' | 'unsupported';

export interface ClipboardSync {
  /** Reading the browser's clipboard on Ctrl+V or Cmd+V in the screen. */
  read: ClipboardAccess;
  /** Writing what the desktop copies into the browser's clipboard. */
  write: ClipboardAccess;
}

const clipboard = () =>
  typeof navigator === 'undefined' ? undefined : navigator.clipboard;

/**
 * Ctrl+V (with Shift too, as terminals paste), or Cmd+V on a Mac. The key's letter decides where it is a Latin
 * one (V moves on Dvorak); its place decides on layouts without Latin
 * letters, as the browser's own shortcuts do.
 */
export function isPasteShortcut(e: KeyboardEvent): boolean {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return false;
  if (/^[a-z]$/i.test(e.key)) return e.key.toLowerCase() === 'v';
  return e.code === 'KeyV';
}

/** The parts of a key event noVNC reads, to play it again later. */
export function keyInit(e: KeyboardEvent): KeyboardEventInit {
  return {
    key: e.key,
    code: e.code,
    location: e.location,
    repeat: e.repeat,
    ctrlKey: e.ctrlKey,
    shiftKey: e.shiftKey,
    altKey: e.altKey,
    metaKey: e.metaKey,
    // noVNC syncs the desktop's lock keys to these, so they must stay true.
    modifierCapsLock: e.getModifierState?.('CapsLock') ?? false,
    modifierNumLock: e.getModifierState?.('NumLock') ?? false,
    bubbles: true,
    cancelable: true,
  };
}

const MODIFIERS: Array<[keyof KeyboardEventInit, string, string]> = [
  ['ctrlKey', 'Control', 'ControlLeft'],
  ['metaKey', 'Meta', 'MetaLeft'],
  ['shiftKey', 'Shift', 'ShiftLeft'],
];

/**
 * Keeps the desktop's clipboard and the browser's in step where the browser
 * allows it. Ctrl+V in the screen first reads the browser's clipboard into
 * the desktop's, then reaches the desktop, so the app there pastes it; what
 * the desktop copies goes into the browser's clipboard. The clipboard panel
 * stays for browsers that refuse.
 */
export function useClipboardSync(options: {
  screen: RefObject<HTMLElement>;
  rfb: MutableRefObject<RFB | undefined>;
  connected: boolean;
  viewOnly: boolean;
}): ClipboardSync {
  const { screen, rfb, connected, viewOnly } = options;
  const [read, setRead] = useState<ClipboardAccess>(() =>
    clipboard()?.readText ? 'unknown' : 'unsupported',
  );
  const [write, setWrite] = useState<ClipboardAccess>(() =>
    clipboard()?.writeText ? 'unknown' : 'unsupported',
  );
  const viewOnlyNow = useRef(viewOnly);
  viewOnlyNow.current = viewOnly;

  useEffect(() => {
    const element = screen.current;
    if (!element || !connected || !clipboard()?.readText) return undefined;
    // Key events that arrive while the clipboard is being read wait, so
    // the desktop gets them after the paste and in their order.
    let held:
      | Array<{ target: EventTarget; type: string; init: KeyboardEventInit }>
      | undefined;
    let replaying = false;
    const replay = (
      target: EventTarget,
      type: string,
      init: KeyboardEventInit,
    ) => {
      replaying = true;
      try {
        target.dispatchEvent(new KeyboardEvent(type, init));
      } finally {
        replaying = false;
      }
    };
    const hold = (e: KeyboardEvent) => {
      e.stopPropagation();
      e.preventDefault();
    };
    const onKey = (e: KeyboardEvent) => {
      if (replaying) return;
      if (held) {
        hold(e);
        held.push({ target: e.target!, type: e.type, init: keyInit(e) });
        return;
      }
      if (e.type !== 'keydown' || viewOnlyNow.current || !isPasteShortcut(e))
        return;
      hold(e);
      const target = e.target!;
      const init = keyInit(e);
      held = [];
      clipboard()!
        .readText()
        .then(
          text => {
            if (text) rfb.current?.clipboardPasteFrom(text);
            setRead('allowed');
          },
          () => setRead('denied'),
        )
        .finally(() => {
          const later = held ?? [];
          held = undefined;
          // A permission prompt takes the focus, and noVNC then lets go of
          // every key on the desktop; pressing the modifiers again keeps a
          // Ctrl+V from arriving as a bare V.
          for (const [flag, key, code] of MODIFIERS) {
            if (init[flag])
              replay(target, 'keydown', { ...init, key, code, location: 1 });
          }
          replay(target, 'keydown', init);
          later.forEach(k => replay(k.target, k.type, k.init));
        });
    };
    // Capturing on the screen's element runs before noVNC's own listeners
    // on the canvas inside it.
    element.addEventListener('keydown', onKey, true);
    element.addEventListener('keyup', onKey, true);
    return () => {
      element.removeEventListener('keydown', onKey, true);
      element.removeEventListener('keyup', onKey, true);
    };
  }, [screen, rfb, connected]);

  useEffect(() => {
    const client = rfb.current;
    if (!client || !connected || !clipboard()?.writeText) return undefined;
    // Browsers refuse clipboard writes from a page without the focus; the
    // latest text waits for the page to get it back.
    let waiting: string | undefined;
    const put = (text: string) => {
      if (!document.hasFocus()) {
        waiting = text;
        return;
      }
      waiting = undefined;
      clipboard()!
        .writeText(text)
        .then(
          () => setWrite('allowed'),
          () => setWrite('denied'),
        );
    };
    const onClipboard = (e: Event) => put((e as CustomEvent).detail.text);
    const onFocus = () => {
      if (waiting !== undefined) put(waiting);
    };
    client.addEventListener('clipboard', onClipboard);
    window.addEventListener('focus', onFocus);
    return () => {
      client.removeEventListener('clipboard', onClipboard);
      window.removeEventListener('focus', onFocus);
    };
  }, [rfb, connected]);

  return { read, write };
}
