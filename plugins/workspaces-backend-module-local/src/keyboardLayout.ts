import { execFile } from 'child_process';
import fs from 'fs';
import { promisify } from 'util';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import type { KeyboardLayout } from '@desktop-mania/plugin-workspaces-common';
import { inCgroups } from './cgroups';
import type { DesktopState } from './DesktopStore';
import { commandFailure, isAlive } from './processes';

/** Enters a running desktop's sandbox (util-linux). */
export const NSENTER = '/usr/bin/nsenter';
/** Sets an X server's layout; x11-xkb-utils, which Xvnc's package depends on. */
export const SETXKBMAP = '/usr/bin/setxkbmap';
const TIMEOUT_MS = 10_000;

/**
 * setxkbmap's arguments for a layout. The symbols are named as well, so the
 * keymap stays the one `keymap.ts` loads (the layout on `pc`, without the
 * multimedia keys the rules would add), with its keycodes free for the
 * characters a layout lacks. The variant is always given: setxkbmap would
 * otherwise keep the previous layout's.
 */
export function setxkbmapArgs(
  display: number,
  layout: KeyboardLayout,
): string[] {
  const variant = layout.xkbVariant ?? '';
  return [
    '-display',
    `:${display}`,
    '-layout',
    layout.xkbLayout,
    '-variant',
    variant,
    '-symbols',
    `pc+${layout.xkbLayout}${variant ? `(${variant})` : ''}`,
  ];
}

/**
 * The command line that runs setxkbmap as the desktop's session programs
 * run: in its cgroups, in its sandbox's namespaces (its /tmp holds the X
 * cookie and socket) and as its user. As root nsenter becomes that user;
 * otherwise the backend already is it, and keeps its own ids.
 */
export function setxkbmapCommand(
  state: Pick<DesktopState, 'uid' | 'cgroups'>,
  sandboxPid: number,
  display: number,
  layout: KeyboardLayout,
  asRoot: boolean,
): string[] {
  const ids = asRoot
    ? ['-S', String(state.uid), '-G', String(state.uid)]
    : ['--preserve-credentials'];
  return inCgroups(state.cgroups ?? [], [
    NSENTER,
    '--target',
    String(sandboxPid),
    '--all',
    ...ids,
    '--',
    SETXKBMAP,
    ...setxkbmapArgs(display, layout),
  ]);
}

/** Sets the layout of a running desktop's X server. */
export async function setDesktopKeyboardLayout(
  state: DesktopState,
  layout: KeyboardLayout,
  options: { asRoot: boolean; run?: (argv: string[]) => Promise<unknown> },
): Promise<void> {
  if (
    state.display === undefined ||
    !state.sandbox ||
    !isAlive(state.sandbox) ||
    !isAlive(state.xvnc)
  ) {
    throw new ConflictError(
      `The desktop '${state.name}' is not running; start it first`,
    );
  }
  const run =
    options.run ??
    (async (argv: string[]) => {
      if (!fs.existsSync(SETXKBMAP)) {
        throw new ServiceUnavailableError(
          `${SETXKBMAP} is missing on this machine (Debian package x11-xkb-utils)`,
        );
      }
      await promisify(execFile)(argv[0], argv.slice(1), {
        timeout: TIMEOUT_MS,
        env: { PATH: '/usr/bin:/bin', XAUTHORITY: '/tmp/.Xauthority' },
      });
    });
  try {
    await run(
      setxkbmapCommand(
        state,
        state.sandbox.pid,
        state.display,
        layout,
        options.asRoot,
      ),
    );
  } catch (error) {
    if (error instanceof ServiceUnavailableError) throw error;
    throw new ServiceUnavailableError(
      `The keyboard layout of '${state.name}' could not be set to ${
        layout.title
      }: ${commandFailure(error, TIMEOUT_MS)}`,
    );
  }
}
