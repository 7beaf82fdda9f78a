import { spawnSync } from 'child_process';
import { DESKTOPS } from './desktopsDir';

/**
 * Desktops outlive the backend by design, so a test that failed before
 * deleting its desktop would leave it running. Stop whatever still runs
 * from the e2e data folder.
 */
export default function globalTeardown() {
  spawnSync('pkill', ['-TERM', '-f', DESKTOPS]);
}
