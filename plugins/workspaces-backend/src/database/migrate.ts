import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@desktop-mania/plugin-workspaces-backend',
  'migrations',
);

// Long enough for another replica to run every migration of an upgrade.
export const MIGRATION_WAIT_MS = 120_000;
// This plugin's advisory lock key ("DMWS"); its database or schema is its own.
const MIGRATION_LOCK_KEY = 0x444d5753;

/**
 * Replicas starting at once on an empty PostgreSQL database race inside
 * knex: both create knex_migrations (one fails on the duplicate), both may
 * insert a lock row (then no one ever gets the lock), and a lock held
 * outside a transaction is refused at once ("Migration table is already
 * locked"). So one replica migrates under an advisory lock while the others
 * wait, and all wait while knex reports its lock held, up to `waitMs`.
 */
export async function migrate(db: Knex, waitMs: number) {
  const directory = migrationsDir;
  if (!/^(pg|postgres)/.test(String(db.client.config.client))) {
    await db.migrate.latest({ directory });
    return;
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const done = await db
      .transaction(async tx => {
        const { rows } = await tx.raw(
          'select pg_try_advisory_xact_lock(?) as locked',
          [MIGRATION_LOCK_KEY],
        );
        if (!rows[0].locked) return false;
        await tx.migrate.latest({ directory });
        return true;
      })
      .catch(error => {
        if (error?.name === 'MigrationLocked') return false;
        throw error;
      });
    if (done) return;
    if (Date.now() > deadline) {
      throw new ServiceUnavailableError(
        `Could not migrate the workspaces database: its migration lock was held for over ${Math.round(
          waitMs / 1000,
        )} s; if no replica is migrating, free it with 'knex migrate:unlock'`,
      );
    }
    await new Promise(r => setTimeout(r, 200 + Math.random() * 300));
  }
}
