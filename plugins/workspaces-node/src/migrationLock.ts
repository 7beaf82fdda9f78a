import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { Knex } from 'knex';

/**
 * How long a replica waits while knex reports its migration lock held with
 * no replica migrating: long enough for one that is to finish, short
 * enough that a lock left by a crash is reported.
 *
 * @public
 */
export const MIGRATION_WAIT_MS = 120_000;

/**
 * Options of {@link migrateLatestUnderLock} and {@link withMigrationLock}.
 *
 * @public
 */
export interface MigrationLockOptions {
  /**
   * Whose database this is, as the error names it; also keys the lock, so
   * plugins sharing one PostgreSQL database (schema division) do not wait
   * for each other.
   */
  name: string;
  /** How long knex's own lock may be seen held; {@link MIGRATION_WAIT_MS}. */
  waitMs?: number;
  /** Told once when this replica waits for another one's migrations. */
  logger?: LoggerService;
}

// First half of every lock key, "DMMG"; the second is the name's hash.
const LOCK_SPACE = 0x444d4d47;
const PLAIN_MIGRATE = Symbol.for('desktop-mania.plainMigrate');

/** The few calls of a raw `pg` connection used here. */
interface PgConnection {
  query(sql: string, values: unknown[]): Promise<{ rows: any[] }>;
}

function lockKey(name: string): [number, number] {
  // FNV-1a, as a signed 32-bit integer for PostgreSQL's int4 key.
  let hash = 0x811c9dc5;
  for (const c of Buffer.from(name, 'utf8')) {
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  return [LOCK_SPACE, hash | 0];
}

/** A Migrator that takes no lock of ours, on a client wrapped or not. */
function plainMigrator(knex: Knex): Knex.Migrator {
  const plain = (knex as any)[PLAIN_MIGRATE] as (() => Knex.Migrator) | void;
  return plain ? plain() : knex.migrate;
}

const isPostgres = (knex: Knex) =>
  /^(pg|postgres)/.test(String(knex.client.config.client));

/**
 * Runs `knex.migrate.latest(config)` so that replicas starting at once on
 * one PostgreSQL database do not race.
 *
 * @remarks
 * Plain knex races: replicas both create the migrations table (one fails
 * on the duplicate), both may insert a lock row (then no one ever gets the
 * lock), and a lock held by another replica is refused at once ("Migration
 * table is already locked"). Here one replica migrates while holding a
 * session advisory lock on a connection of its own, outside the pool and
 * outside any transaction, so that migrations which must not run in one
 * (`CREATE INDEX CONCURRENTLY`) still can; the others wait for it for as
 * long as it lives, since its lock goes with its connection. Knex's own
 * lock, which a replica that died mid-migration leaves set, is waited for
 * up to `waitMs`, then reported in one line. SQLite and MySQL migrate as
 * knex does.
 *
 * @public
 */
export async function migrateLatestUnderLock(
  knex: Knex,
  config: Knex.MigratorConfig,
  options: MigrationLockOptions,
): Promise<any> {
  if (!isPostgres(knex)) return plainMigrator(knex).latest(config);
  const waitMs = options.waitMs ?? MIGRATION_WAIT_MS;
  const key = lockKey(options.name);
  // Resolves the pool's connection settings (a provider's token, the
  // server version) that a raw connection is made from.
  await knex.raw('select 1');
  const connection: PgConnection = await knex.client.acquireRawConnection();
  try {
    let told = false;
    let knexLockSeen: number | undefined;
    for (;;) {
      const { rows } = await connection.query(
        'select pg_try_advisory_lock($1, $2) as locked',
        key,
      );
      if (rows[0].locked) {
        try {
          return await plainMigrator(knex).latest(config);
        } catch (error) {
          if ((error as Error)?.name !== 'MigrationLocked') throw error;
        }
        await connection.query('select pg_advisory_unlock($1, $2)', key);
        knexLockSeen ??= Date.now();
        if (Date.now() - knexLockSeen >= waitMs) {
          const unlock = config.tableName
            ? `knex migrate:unlock --migrations-table-name ${config.tableName}`
            : 'knex migrate:unlock';
          throw new ServiceUnavailableError(
            `Could not migrate the ${
              options.name
            } database: its migration lock was held for over ${Math.round(
              waitMs / 1000,
            )} s; if no replica is migrating, free it with '${unlock}'`,
          );
        }
      } else if (!told) {
        told = true;
        options.logger?.info(
          `Waiting for another replica to migrate the ${options.name} database`,
        );
      }
      await new Promise(r => setTimeout(r, 200 + Math.random() * 300));
    }
  } finally {
    // Closing the connection frees its advisory lock, whatever happened.
    await knex.client.destroyRawConnection(connection).catch(() => {});
  }
}

/**
 * Makes `knex.migrate.latest` of this client run under
 * {@link migrateLatestUnderLock}, for code that migrates with the plain knex
 * call. Knex hands out a new Migrator on each read of `knex.migrate`, so the
 * property itself is replaced on this client; its transactions and
 * `withUserParams` copies are not covered. Wrapping twice changes nothing.
 *
 * @public
 */
export function withMigrationLock(
  knex: Knex,
  options: MigrationLockOptions,
): Knex {
  if ((knex as any)[PLAIN_MIGRATE]) return knex;
  const getter = Object.getOwnPropertyDescriptor(knex, 'migrate')?.get;
  if (!getter) {
    throw new Error('Cannot lock migrations: this knex has no migrate getter');
  }
  const plain = () => getter.call(knex) as Knex.Migrator;
  Object.defineProperty(knex, PLAIN_MIGRATE, { value: plain });
  Object.defineProperty(knex, 'migrate', {
    configurable: true,
    get() {
      const migrator = plain();
      migrator.latest = (config?: Knex.MigratorConfig) =>
        migrateLatestUnderLock(knex, config ?? {}, options);
      return migrator;
    },
  });
  return knex;
}
