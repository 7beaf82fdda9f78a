import fs from 'fs';
import path from 'path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';
import { WorkspaceStore } from './WorkspaceStore';

// Only PostgreSQL: replicas share one, while SQLite is one process's file.
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const migrations = fs
  .readdirSync(path.resolve(__dirname, '../../migrations'))
  .filter(f => f.endsWith('.js'))
  .sort();

describe.each(databases.eachSupportedId())(
  'WorkspaceStore migrations on %s',
  databaseId => {
    const replicas: Knex[] = [];
    afterEach(async () => {
      await Promise.all(replicas.splice(0).map(k => k.destroy()));
    });

    /** A client of its own, as another replica's process has. */
    const replicaOf = (knex: Knex) => {
      // knex's own warnings of the lock it waits for are expected here.
      const other = knexFactory({ ...knex.client.config, log: { warn() {} } });
      replicas.push(other);
      return other;
    };
    const start = (knex: Knex, migrationWaitMs?: number) =>
      WorkspaceStore.create({
        database: mockServices.database({ knex }),
        migrationWaitMs,
      });

    // Plain knex here failed 11 of 15 migrators in 5 rounds: a duplicate
    // knex_migrations table, "Migration table is already locked", and once
    // two lock rows, after which no replica could ever take the lock.
    it('lets three replicas migrate an empty database at once', async () => {
      const knex = await databases.init(databaseId);
      const clients = [replicaOf(knex), replicaOf(knex), replicaOf(knex)];
      const results = await Promise.allSettled(clients.map(c => start(c)));
      expect(results.map(r => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      const ran = await knex('knex_migrations').orderBy('id').pluck('name');
      expect(ran).toEqual(migrations);
      expect(await knex('knex_migrations_lock').select('is_locked')).toEqual([
        { is_locked: 0 },
      ]);
    });

    it('waits for knex lock another replica holds, then gives up in one line', async () => {
      const knex = await databases.init(databaseId);
      await start(knex);
      // A replica that died while running migrations outside a transaction
      // leaves the lock taken and the latest migration not recorded.
      await knex('knex_migrations')
        .where({ name: migrations[migrations.length - 1] })
        .delete();
      await knex('knex_migrations_lock').update({ is_locked: 1 });
      const began = Date.now();
      const failure = await start(replicaOf(knex), 2000).catch(e => e);
      expect(Date.now() - began).toBeGreaterThanOrEqual(2000);
      expect(failure.name).toBe('ServiceUnavailableError');
      expect(failure.message).toBe(
        "Could not migrate the workspaces database: its migration lock was held for over 2 s; if no replica is migrating, free it with 'knex migrate:unlock'",
      );
    });

    it('carries on once the other replica frees the lock', async () => {
      const knex = await databases.init(databaseId);
      await start(knex);
      const last = migrations[migrations.length - 1];
      const [row] = await knex('knex_migrations').where({ name: last });
      await knex('knex_migrations').where({ name: last }).delete();
      await knex('knex_migrations_lock').update({ is_locked: 1 });
      // The other replica finishes: its migration recorded, its lock freed.
      setTimeout(async () => {
        await knex('knex_migrations').insert(row);
        await knex('knex_migrations_lock').update({ is_locked: 0 });
      }, 1000);
      await expect(start(replicaOf(knex), 10_000)).resolves.toBeInstanceOf(
        WorkspaceStore,
      );
      expect(await knex('knex_migrations').pluck('name')).toContain(last);
    });
  },
);
