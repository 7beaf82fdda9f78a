import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  coreServices,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  ServiceFactoryTester,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { migrateLatestUnderLock } from './migrationLock';
import { migrationLockDatabaseServiceFactory } from './migrationLockDatabaseServiceFactory';

// Replicas connect and migrate for seconds on a loaded machine.
jest.setTimeout(60_000);

const dirs: string[] = [];
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true })));

/**
 * A plugin's migrations directory: a table made slowly enough that
 * replicas overlap, then on PostgreSQL an index made as the catalog makes
 * its own, concurrently and so outside any transaction.
 */
function migrations(table: string, options: { pg: boolean; sleep?: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-lock-'));
  dirs.push(dir);
  const sleep = options.pg
    ? `await knex.raw('select pg_sleep(${options.sleep ?? 0.3})');`
    : '';
  fs.writeFileSync(
    path.join(dir, '20260101000000_create.js'),
    `exports.up = async knex => { ${sleep}
       await knex.schema.createTable('${table}', t => { t.string('name'); t.string('owner'); }); };
     exports.down = async knex => knex.schema.dropTable('${table}');`,
  );
  if (options.pg) {
    fs.writeFileSync(
      path.join(dir, '20260102000000_owner_idx.js'),
      `exports.up = async knex => knex.raw('create index concurrently ${table}_owner_idx on ${table} (owner)');
       exports.down = async knex => knex.raw('drop index concurrently ${table}_owner_idx');
       exports.config = { transaction: false };`,
    );
  }
  return dir;
}

/** A backend's database service, as one replica's process has it. */
function replicaOf(database?: object) {
  return ServiceFactoryTester.from(migrationLockDatabaseServiceFactory, {
    dependencies: [
      mockServices.rootConfig.factory({
        data: database ? { backend: { database } } : {},
      }),
    ],
  });
}
type Replica = ReturnType<typeof replicaOf>;

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'migrationLockDatabaseServiceFactory on %s',
  databaseId => {
    let replicas: Replica[] = [];
    afterEach(async () => {
      for (const r of replicas.splice(0)) {
        const lifecycle = await r.getService(coreServices.rootLifecycle);
        await (
          lifecycle as unknown as { shutdown(): Promise<void> }
        ).shutdown();
      }
    });

    /** Replicas sharing the test database, a schema per plugin. */
    const start = (knex: Knex, count: number) => {
      // Knex keeps the password out of sight (not enumerable).
      const { connection } = knex.client.config;
      const config = {
        client: 'pg',
        pluginDivisionMode: 'schema',
        connection: { ...connection, password: connection.password },
        knexConfig: { pool: { min: 0, max: 3 } },
      };
      replicas = Array.from({ length: count }, () => replicaOf(config));
      return replicas;
    };
    const clientOf = (r: Replica, plugin: string) =>
      r.getSubject(plugin).then((db: DatabaseService) => db.getClient());

    // Plain knex.migrate.latest here loses as the catalog did in the
    // multi-replica test: "create table knex_migrations" failing on the
    // duplicate, or "Migration table is already locked".
    it('lets three replicas migrate one plugin at once, its scheduler too', async () => {
      const knex = await databases.init(databaseId);
      const own = migrations('desks', { pg: true });
      const tasks = migrations('tasks', { pg: true });
      const clients = await Promise.all(
        start(knex, 3).map(r => clientOf(r, 'desks')),
      );
      const results = await Promise.allSettled(
        clients.flatMap(c => [
          c.migrate.latest({ directory: own }),
          // As the scheduler migrates its tables in every plugin's schema.
          c.migrate.latest({ directory: tasks, tableName: 'tasks_migrations' }),
        ]),
      );
      expect(results.filter(r => r.status === 'rejected')).toEqual([]);
      for (const table of ['knex_migrations', 'tasks_migrations']) {
        const ran = await knex(`desks.${table}`).orderBy('id');
        expect(ran.map(m => [m.name, m.batch])).toEqual([
          ['20260101000000_create.js', 1],
          ['20260102000000_owner_idx.js', 1],
        ]);
        expect(await knex(`desks.${table}_lock`).select('is_locked')).toEqual([
          { is_locked: 0 },
        ]);
      }
      const { rows } = await knex.raw(
        `select c.relname, i.indisvalid from pg_index i
         join pg_class c on c.oid = i.indexrelid
         join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'desks' and c.relname like '%owner_idx'
         order by c.relname`,
      );
      expect(rows).toEqual([
        { relname: 'desks_owner_idx', indisvalid: true },
        { relname: 'tasks_owner_idx', indisvalid: true },
      ]);
    });

    it('waits for a replica that is migrating, however long it takes', async () => {
      const knex = await databases.init(databaseId);
      const slow = migrations('desks', { pg: true, sleep: 2.5 });
      const [a, b] = await Promise.all(
        start(knex, 2).map(r => clientOf(r, 'desks')),
      );
      const first = a.migrate.latest({ directory: slow });
      for (let held = 0; held === 0; ) {
        await new Promise(r => setTimeout(r, 100));
        const { rows } = await knex.raw(
          `select count(*)::int as n from pg_locks where locktype = 'advisory'
           and granted and database = (
             select oid from pg_database where datname = current_database())`,
        );
        held = rows[0].n;
      }
      // Knex's own lock is what a short wait is for; a live migration is not.
      const second = migrateLatestUnderLock(
        b,
        { directory: slow },
        { name: 'desks', waitMs: 500 },
      );
      await expect(Promise.all([first, second])).resolves.toEqual([
        [1, ['20260101000000_create.js', '20260102000000_owner_idx.js']],
        [1, []],
      ]);
    });

    it('gives up in one line on a lock no replica frees', async () => {
      const knex = await databases.init(databaseId);
      const tasks = migrations('tasks', { pg: true, sleep: 0 });
      const [a, b] = await Promise.all(
        start(knex, 2).map(r => clientOf(r, 'desks')),
      );
      const config = { directory: tasks, tableName: 'tasks_migrations' };
      await a.migrate.latest(config);
      // A replica killed while migrating outside a transaction leaves knex's
      // lock taken and its migration not recorded.
      await knex('desks.tasks_migrations')
        .where({ name: '20260102000000_owner_idx.js' })
        .delete();
      await knex('desks.tasks_migrations_lock').update({ is_locked: 1 });
      // Knex's own word on the lock, each time it is refused.
      const said = jest.spyOn(console, 'log').mockImplementation(() => {});
      const began = Date.now();
      await expect(
        migrateLatestUnderLock(b, config, { name: 'desks', waitMs: 1000 }),
      ).rejects.toThrow(
        new Error(
          "Could not migrate the desks database: its migration lock was held for over 1 s; if no replica is migrating, free it with 'knex migrate:unlock --migrations-table-name tasks_migrations'",
        ),
      );
      expect(Date.now() - began).toBeGreaterThanOrEqual(1000);
      said.mockRestore();
    });

    it('connects again when another replica made the schema at the same time', async () => {
      const knex = await databases.init(databaseId);
      // Another replica's CREATE SCHEMA, not yet committed: ours waits on
      // it, then fails on the duplicate once it commits.
      const other = await knex.transaction();
      await other.raw('create schema desks');
      const [replica] = start(knex, 1);
      const client = clientOf(replica, 'desks');
      for (let waiting = 0; waiting === 0; ) {
        await new Promise(r => setTimeout(r, 100));
        const { rows } = await knex.raw(
          `select count(*)::int as n from pg_stat_activity
           where wait_event_type = 'Lock' and query ilike 'create schema%'`,
        );
        waiting = rows[0].n;
      }
      await other.commit();
      const desks = await client;
      await desks.migrate.latest({
        directory: migrations('desks', { pg: true, sleep: 0 }),
      });
      expect(await knex('desks.desks').count()).toEqual([{ count: '0' }]);
    });
  },
);

describe('migrationLockDatabaseServiceFactory without a database configured', () => {
  it('migrates the in-memory SQLite as the default service does', async () => {
    const replica = replicaOf();
    const db = await replica.getSubject('desks');
    const client = await db.getClient();
    expect(await db.getClient()).toBe(client);
    const [batch, ran] = await client.migrate.latest({
      directory: migrations('desks', { pg: false }),
    });
    expect([batch, ran]).toEqual([1, ['20260101000000_create.js']]);
    expect(await client('desks').select()).toEqual([]);
  });
});
