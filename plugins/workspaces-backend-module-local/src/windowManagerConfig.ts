import fs from 'fs';

/** The host's openbox settings, which every desktop's own start from. */
export const HOST_OPENBOX_CONFIG = '/etc/xdg/openbox/rc.xml';

/**
 * Where a desktop finds its own XDG settings, before the host's /etc/xdg;
 * the user's ~/.config still comes first.
 */
export const DESKTOP_XDG_DIR = '/etc/desktop-mania/xdg';

/** The default terminal's title (see binaries.ts), which the rule below matches. */
export const TERMINAL_TITLE = 'terminal';

/*
 * `xterm -maximized` sizes itself to the screen once, at start, without
 * telling the window manager, so it kept its first size when the console
 * resized the screen (RandR). A window openbox maximized stays maximized:
 * openbox fits it to the new screen area on every RandR change.
 */
const TERMINAL_RULE = `<application title="${TERMINAL_TITLE}" type="normal"><maximized>yes</maximized></application>`;

/**
 * The openbox settings of a desktop: the host's, with the session's
 * terminal kept maximized. Later rules in the host's own list still apply
 * after this one, as openbox applies every matching rule in order.
 */
export function openboxConfig(host: string | undefined): string {
  const opening = host?.match(/<applications\s*>/);
  if (host && opening) {
    const at = opening.index! + opening[0].length;
    return `${host.slice(0, at)}\n  ${TERMINAL_RULE}${host.slice(at)}`;
  }
  const section = `<applications>${TERMINAL_RULE}</applications>`;
  const closing = host?.lastIndexOf('</openbox_config>') ?? -1;
  if (host && closing >= 0) {
    return `${host.slice(0, closing)}${section}\n${host.slice(closing)}`;
  }
  // No host settings: openbox's built-in defaults, as it would run without.
  return `<?xml version="1.0" encoding="UTF-8"?>\n<openbox_config xmlns="http://openbox.org/3.4/rc">${section}</openbox_config>\n`;
}

/** The host's openbox settings, if it has any it can read. */
export function readHostOpenboxConfig(): string | undefined {
  try {
    return fs.readFileSync(HOST_OPENBOX_CONFIG, 'utf8');
  } catch {
    return undefined;
  }
}
