/** X11 keysyms for the keys the console sends on its own. */
export const KEYSYM = {
  Return: 0xff0d,
  Tab: 0xff09,
  BackSpace: 0xff08,
  Escape: 0xff1b,
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
  Super_L: 0xffeb,
  Delete: 0xffff,
  F1: 0xffbe,
} as const;

/**
 * The keysym that types a character. Latin-1 characters are their own
 * keysyms; other Unicode characters use the 0x01000000 range.
 *
 * @public
 */
export function keysymFor(char: string): number {
  if (char === '\n' || char === '\r') return KEYSYM.Return;
  if (char === '\t') return KEYSYM.Tab;
  const code = char.codePointAt(0)!;
  if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff))
    return code;
  return 0x01000000 + code;
}

// Control characters and the byte-order mark a paste may carry: no key
// types them, and each would take one of Xvnc's few free keycodes.
function typable(char: string): boolean {
  const code = char.codePointAt(0)!;
  if (char === '\n' || char === '\t') return true;
  return !(code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0xfeff);
}

/**
 * The keysyms that type a text: a line break is one Return whether it is
 * \n, \r\n or \r, and characters no key types are left out.
 */
export function keysymsFor(text: string): number[] {
  return [...text.replace(/\r\n?/g, '\n')].filter(typable).map(keysymFor);
}
