import path from 'path';

/** Where the e2e portal's desktops live; scripts/test.sh may move them out of a folder their users cannot pass through. */
export const DESKTOPS =
  process.env.APP_CONFIG_workspaces_local_dataDir ??
  path.resolve(__dirname, '../.cache/e2e/desktops');
