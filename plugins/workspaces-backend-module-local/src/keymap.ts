/** Compiles a keymap and loads it into an X server; Xvnc depends on it. */
export const XKBCOMP = '/usr/bin/xkbcomp';

/**
 * The keymap a desktop starts with: Xvnc's own US layout without the
 * multimedia keys of `inet(evdev)`. The viewer sends keysyms, and Xvnc types
 * one its keymap lacks (é, €, д) by binding it to a keycode that has no
 * symbols. Xvnc's default keymap leaves about 19 such keycodes and never
 * frees one, so from the 20th distinct character of a session on every new
 * one was dropped; this keymap leaves about 130. A media key the browser
 * sends is bound the same way when pressed.
 */
export const DESKTOP_KEYMAP = `xkb_keymap {
  xkb_keycodes { include "evdev+aliases(qwerty)" };
  xkb_types { include "complete" };
  xkb_compat { include "complete" };
  xkb_symbols { include "pc+us" };
  xkb_geometry { include "pc(pc105)" };
};
`;

/**
 * The session's command, run after loading the desktop's keymap into its X
 * server. A keymap that does not load costs characters, not the desktop, so
 * the session starts either way and the failure shows in its log.
 */
export function withKeymap(command: string[]): string[] {
  return [
    '/bin/sh',
    '-c',
    `printf '%s' "$1" | ${XKBCOMP} -w 0 - "$DISPLAY" || echo "The desktop's keymap was not loaded" >&2; shift; exec "$@"`,
    'session',
    DESKTOP_KEYMAP,
    ...command,
  ];
}
