import type RFB from '@novnc/novnc';
import { keysymsFor } from './keysyms';
import { keyInit } from './useClipboardSync';

// Text an input method, emoji picker or dictation commits without keys.
const COMMITTED = new Set(['insertText', 'insertReplacementText']);

/**
 * Gives the console a text field to hold the keyboard focus instead of
 * noVNC's canvas. Browsers run input methods, emoji pickers and dictation
 * only in editable elements, so on the canvas their text never arrived.
 * Key presses still reach noVNC on its canvas, as copies, and a press noVNC
 * takes is kept from the field; committed text is typed as keysyms. Only
 * this client's `focus` changes, so noVNC's own focusing (on a click, on
 * connect) lands in the field. Returns the undo.
 */
export function attachTextInput(target: HTMLElement, client: RFB): () => void {
  const canvas = target.querySelector('canvas');
  if (!canvas) return () => {};
  const field = document.createElement('textarea');
  field.setAttribute('aria-label', 'Keyboard input for the desktop');
  field.setAttribute('autocapitalize', 'off');
  field.setAttribute('autocomplete', 'off');
  field.spellcheck = false;
  // Invisible and out of the mouse's way, yet focusable: a field that is
  // hidden or sized to nothing gets no input method.
  Object.assign(field.style, {
    position: 'absolute',
    left: '0',
    top: '0',
    width: '1px',
    height: '1px',
    opacity: '0',
    padding: '0',
    border: '0',
    resize: 'none',
    pointerEvents: 'none',
  });
  target.appendChild(field);

  const type = (text: string) => {
    if (client.viewOnly) return;
    for (const keysym of keysymsFor(text)) client.sendKey(keysym, null);
  };
  const onKey = (e: KeyboardEvent) => {
    // A key an input method is composing with is the method's, not noVNC's.
    if (e.isComposing || e.keyCode === 229) return;
    if (!canvas.dispatchEvent(new KeyboardEvent(e.type, keyInit(e))))
      e.preventDefault();
  };
  const onBeforeInput = (e: InputEvent) => {
    if (e.isComposing) return;
    e.preventDefault();
    if (COMMITTED.has(e.inputType) && e.data) type(e.data);
  };
  const onCompositionEnd = (e: CompositionEvent) => {
    type(e.data);
    // The composed text stood in the field; the next one starts empty.
    field.value = '';
  };
  // noVNC lets go of every key on the desktop when its canvas loses focus.
  const onBlur = () => canvas.dispatchEvent(new FocusEvent('blur'));

  field.addEventListener('keydown', onKey);
  field.addEventListener('keyup', onKey);
  field.addEventListener('beforeinput', onBeforeInput);
  field.addEventListener('compositionend', onCompositionEnd);
  field.addEventListener('blur', onBlur);
  const novncFocus = client.focus;
  client.focus = (options?: FocusOptions) => field.focus(options);
  return () => {
    client.focus = novncFocus;
    field.remove();
  };
}
