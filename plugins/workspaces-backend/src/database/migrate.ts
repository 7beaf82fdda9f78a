import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  MIGRATION_WAIT_MS,
  migrateLatestUnderLock,
} from '@desktop-mania/plugin-workspaces-node';
import type { Knex } from 'knex';

export { MIGRATION_WAIT_MS };

const migrationsDir = resolvePackagePath(
  '@desktop-mania/plugin-workspaces-backend',
  'migrations',
);

/**
 * Migrates under the lock replicas share, on whichever database service the
 * backend has: the portal's own factory locks every plugin's
 * `knex.migrate.latest` too, an adopter's default one does not.
 */
export async function migrate(db: Knex, waitMs: number) {
  await migrateLatestUnderLock(
    db,
    { directory: migrationsDir },
    { name: 'workspaces', waitMs },
  );
}
