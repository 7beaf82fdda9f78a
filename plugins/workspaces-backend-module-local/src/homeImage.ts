import { execFile } from 'child_process';
import fs from 'fs';
import path from 'path';
import { promisify } from 'util';
import { ServiceUnavailableError } from '@backstage/errors';
import { HOME_IMAGE_PROGRAMS } from './binaries';
import { isMountPoint } from './mounts';
import { commandFailure } from './processes';

export const GiB = 2 ** 30;
const TIMEOUT_MS = 30_000;
const PROBE_BYTES = 16 * 2 ** 20;
// nosuid, nodev: nothing on a desktop's disk gains privileges or opens
// devices. discard: blocks freed inside go back to the host's disk, so a
// sparse image takes what its files take, not what they once took.
const MOUNT_OPTIONS = 'loop,nosuid,nodev,discard';
const { mkfs, mount, umount } = HOME_IMAGE_PROGRAMS;

async function run(what: string, program: string, args: string[]) {
  try {
    await promisify(execFile)(program, args, { timeout: TIMEOUT_MS });
  } catch (error) {
    throw new ServiceUnavailableError(
      `${what} failed: ${commandFailure(error, TIMEOUT_MS)}`,
    );
  }
}

/**
 * Images are sparse and take only what is written, but one that may grow
 * past what the disk has free would end up bounded by the portal's own
 * disk instead of by its size.
 */
async function checkFreeSpace(dir: string, bytes: number) {
  const { bavail, bsize } = await fs.promises.statfs(dir);
  if (bavail * bsize < bytes) {
    throw new ServiceUnavailableError(
      `The desktops' data disk has ${((bavail * bsize) / GiB).toFixed(
        1,
      )} GiB free, less than the ${(bytes / GiB).toFixed(1)} GiB home ordered`,
    );
  }
}

/**
 * Mounts the image on the home folder unless it is mounted already. When
 * another mount namespace still holds the image, mount reuses its loop
 * device, so the filesystem is never open twice through two devices.
 */
export async function mountHomeImage(image: string, home: string) {
  if (isMountPoint(home)) return;
  await run(`Mounting the home image ${image}`, mount.path, [
    '-o',
    MOUNT_OPTIONS,
    image,
    home,
  ]);
}

/** Unmounts the home if it is mounted; lazily when something still holds it, which frees it when that lets go. */
export async function unmountHome(home: string) {
  if (!isMountPoint(home)) return;
  try {
    await run(`Unmounting ${home}`, umount.path, [home]);
  } catch {
    await run(`Unmounting ${home}`, umount.path, ['-l', home]);
  }
}

/**
 * Makes a desktop's home: an ext4 filesystem in a sparse file of `bytes`,
 * whose root belongs to `owner` alone, mounted on the `home` folder. Its
 * user can write exactly that much and no more (no blocks are reserved
 * for root, who never writes there).
 */
export async function createHomeImage(
  image: string,
  home: string,
  bytes: number,
  owner: number,
) {
  await checkFreeSpace(path.dirname(image), bytes);
  const file = await fs.promises.open(image, 'wx', 0o600);
  try {
    await file.truncate(bytes);
  } finally {
    await file.close();
  }
  // A fresh sparse file already reads as zeros, so mkfs need not write the
  // inode tables and journal out: 5 MB on the host for 40 GiB, not 260 MB.
  await run(`Making the home image ${image}`, mkfs.path, [
    '-q',
    '-F',
    '-m',
    '0',
    '-L',
    'home',
    '-E',
    `root_owner=${owner}:${owner},lazy_itable_init=1,lazy_journal_init=1`,
    image,
  ]);
  // Unmounted, the folder is root's and closed: nothing lands on the data disk.
  await fs.promises.mkdir(home, { mode: 0o700 });
  await mountHomeImage(image, home);
  await fs.promises.chmod(home, 0o700);
  // Root's lost+found would be the one thing in the home its user cannot
  // open; e2fsck makes it again when it needs it.
  await fs.promises.rmdir(path.join(home, 'lost+found'));
}

/**
 * Why desktops' homes cannot be size-limited images here, or undefined
 * when a small probe image is made, mounted and unmounted in `dataDir`.
 */
export async function probeHomeImages(
  dataDir: string,
  asRoot: boolean,
): Promise<string | undefined> {
  if (!asRoot)
    return 'loop mounts need root, and the backend does not run as root';
  const absent = Object.values(HOME_IMAGE_PROGRAMS).filter(
    p => !fs.existsSync(p.path),
  );
  if (absent.length) {
    return `${absent
      .map(p => `${p.path} is missing (Debian package '${p.debianPackage}')`)
      .join(', ')}`;
  }
  const dir = await fs.promises.mkdtemp(path.join(dataDir, '.probe-'));
  const home = path.join(dir, 'home');
  try {
    await createHomeImage(path.join(dir, 'probe.img'), home, PROBE_BYTES, 0);
    await unmountHome(home);
    return undefined;
  } catch (error) {
    return `loop mounts fail here: ${(error as Error).message}`;
  } finally {
    await unmountHome(home).catch(() => undefined);
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
