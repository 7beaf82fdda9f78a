import fs from 'fs';
import { ServiceUnavailableError } from '@backstage/errors';

const lockFile = (display: number) => `/tmp/.X${display}-lock`;
const socketFile = (display: number) => `/tmp/.X11-unix/X${display}`;

/** The X display of a desktop: where its X server's unix socket lives. */
export function xSocketPath(display: number) {
  return socketFile(display);
}

/** The pid an X server wrote into its lock file; undefined without a readable lock. */
function lockHolder(display: number): number | undefined | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(lockFile(display), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? undefined
      : 'unreadable';
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : 'unreadable';
}

/**
 * Removes the lock and socket of an X server that died without cleaning up
 * (SIGKILL, power loss), as an X server itself would on start. Servers of
 * other users cannot remove them in sticky /tmp, so the backend does.
 * Returns false when the display is taken or its files cannot be removed.
 */
export function reclaimDisplay(display: number): boolean {
  const holder = lockHolder(display);
  if (holder === 'unreadable') return false;
  if (holder === undefined) {
    // A socket without a lock belongs to no X server we can identify.
    return !fs.existsSync(socketFile(display));
  }
  if (fs.existsSync(`/proc/${holder}`)) return false;
  try {
    fs.rmSync(socketFile(display), { force: true });
    fs.rmSync(lockFile(display), { force: true });
    return true;
  } catch {
    return false;
  }
}

/** The first display from `base` that no X server holds and nobody else has claimed. */
export function claimDisplay(
  base: number,
  claimed: Set<number>,
  span = 1000,
): number {
  for (let display = base; display < base + span; display++) {
    if (!claimed.has(display) && reclaimDisplay(display)) return display;
  }
  throw new ServiceUnavailableError(
    `No free X display between :${base} and :${base + span - 1}`,
  );
}

/** The X server's own folder for sockets; it must exist, world-writable and sticky, before servers of other users start. */
export async function ensureSocketFolder() {
  const dir = '/tmp/.X11-unix';
  if (await fs.promises.mkdir(dir, { recursive: true })) {
    await fs.promises.chmod(dir, 0o1777);
  }
}
