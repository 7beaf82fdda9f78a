import { spawnSync } from 'child_process';
import path from 'path';

/**
 * Desktops outlive the backend by design, so a test that failed before
 * deleting its desktop would leave it running. Stop whatever still runs
 * from the e2e data folder.
 */
export default function globalTeardown() {
  const desktops = process.env.APP_CONFIG_workspaces_local_dataDir ?? path.resolve(__dirname, '../.cache/e2e/desktops');
  spawnSync('pkill', ['-TERM', '-f', desktops]);
}
