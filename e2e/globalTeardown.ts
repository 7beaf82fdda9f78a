import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { DESKTOPS } from './desktopsDir';

/**
 * Desktops outlive the backend by design, so a test that failed before
 * deleting its desktop would leave it running, its home still mounted.
 * Stop whatever still runs from the e2e data folders (the idle spec's sit
 * beside DESKTOPS, with a suffix), then unmount their homes, or the next
 * run could not clear the folders.
 */
export default function globalTeardown() {
  spawnSync('pkill', ['-TERM', '-f', DESKTOPS]);
  const parent = path.dirname(DESKTOPS);
  const mounts = fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map(line => line.split(' ')[1])
    .filter(
      point =>
        point?.startsWith(`${DESKTOPS}`) &&
        point.slice(parent.length + 1).includes('/'),
    );
  for (const point of mounts.reverse()) {
    // Lazily: a process still dying may hold it for a moment.
    spawnSync('umount', ['--lazy', point]);
  }
}
