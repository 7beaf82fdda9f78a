import type RFB from '@novnc/novnc';
import { attachTextInput } from './consoleTextInput';

function setup() {
  const target = document.createElement('div');
  const canvas = document.createElement('canvas');
  canvas.tabIndex = -1;
  target.appendChild(canvas);
  document.body.appendChild(target);
  const heard: string[] = [];
  // As noVNC's Keyboard does: it takes every key press it hears.
  canvas.addEventListener('keydown', e => {
    heard.push(`${e.type} ${e.key} ${e.code}`);
    e.preventDefault();
  });
  canvas.addEventListener('blur', () => heard.push('blur'));
  const client = {
    viewOnly: false,
    sent: [] as Array<[number, string | null]>,
    sendKey(keysym: number, code: string | null) {
      this.sent.push([keysym, code]);
    },
    focus: () => canvas.focus(),
  };
  const detach = attachTextInput(target, client as unknown as RFB);
  const field = target.querySelector('textarea')!;
  return { target, canvas, client, field, heard, detach };
}

const compositionEnd = (data: string) =>
  new CompositionEvent('compositionend', { data, bubbles: true });
const beforeInput = (init: InputEventInit) =>
  new InputEvent('beforeinput', { bubbles: true, cancelable: true, ...init });

describe('attachTextInput', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('takes the focus noVNC gives its canvas', () => {
    const { client, field } = setup();
    client.focus();
    expect(document.activeElement).toBe(field);
    expect(field).toHaveAccessibleName('Keyboard input for the desktop');
  });

  it('types what an input method commits as one keysym a character', () => {
    const { client, field } = setup();
    field.value = '日本';
    field.dispatchEvent(compositionEnd('日本'));
    expect(client.sent).toEqual([
      [0x010065e5, null],
      [0x0100672c, null],
    ]);
    expect(field.value).toBe('');
  });

  it('types text inserted without keys, as by an emoji picker or dictation', () => {
    const { client, field } = setup();
    const insert = beforeInput({ inputType: 'insertText', data: '😀é' });
    field.dispatchEvent(insert);
    expect(client.sent).toEqual([
      [0x0101f600, null],
      [0xe9, null],
    ]);
    expect(insert.defaultPrevented).toBe(true);
  });

  it('leaves text still being composed to the input method', () => {
    const { client, field } = setup();
    field.dispatchEvent(
      beforeInput({
        inputType: 'insertCompositionText',
        data: 'にほ',
        isComposing: true,
      }),
    );
    field.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Process', isComposing: true }),
    );
    expect(client.sent).toEqual([]);
  });

  it('passes key presses on to noVNC, and keeps the ones it takes out of the field', () => {
    const { field, heard, client } = setup();
    const press = new KeyboardEvent('keydown', {
      key: 'ä',
      code: 'Quote',
      bubbles: true,
      cancelable: true,
    });
    field.dispatchEvent(press);
    expect(heard).toEqual(['keydown ä Quote']);
    expect(press.defaultPrevented).toBe(true);
    expect(client.sent).toEqual([]);
    field.dispatchEvent(new FocusEvent('blur'));
    expect(heard).toEqual(['keydown ä Quote', 'blur']);
  });

  it('types nothing while the console only watches', () => {
    const { client, field } = setup();
    client.viewOnly = true;
    field.dispatchEvent(compositionEnd('日本'));
    field.dispatchEvent(beforeInput({ inputType: 'insertText', data: 'x' }));
    expect(client.sent).toEqual([]);
  });

  it('gives noVNC its focus back and removes the field when undone', () => {
    const { client, canvas, target, detach } = setup();
    detach();
    expect(target.querySelector('textarea')).toBeNull();
    client.focus();
    expect(document.activeElement).toBe(canvas);
  });
});
