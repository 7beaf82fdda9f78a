import { DatabaseManager } from '@backstage/backend-defaults/database';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { Knex } from 'knex';
import { withMigrationLock } from './migrationLock';

/**
 * The database service of `@backstage/backend-defaults`, built the same way
 * from `backend.database`, except that each plugin's client runs
 * `knex.migrate.latest` under {@link migrateLatestUnderLock}, keyed by the
 * plugin's id, and connects again when another replica created the
 * plugin's schema at the same moment: replicas starting together on one
 * empty PostgreSQL no longer lose a race and restart. Add it to the backend
 * (`backend.add(migrationLockDatabaseServiceFactory)`) in place of the
 * default.
 *
 * @public
 */
export const migrationLockDatabaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
    rootLifecycle: coreServices.rootLifecycle,
    rootLogger: coreServices.rootLogger,
  },
  async createRootContext({ config, rootLifecycle, rootLogger }) {
    // As the default does: an in-memory SQLite when nothing is configured.
    const source = config.getOptional('backend.database')
      ? config
      : new ConfigReader({
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
        });
    const create = () =>
      DatabaseManager.fromConfig(source, { rootLifecycle, rootLogger });
    return { manager: create(), create };
  },
  async factory({ pluginMetadata, lifecycle, logger }, root) {
    const name = pluginMetadata.getId();
    const deps = { lifecycle, logger };
    const database = root.manager.forPlugin(name, deps);
    const connect = async () => {
      try {
        return await database.getClient();
      } catch (error) {
        // Replicas creating one plugin's schema at once: CREATE SCHEMA IF
        // NOT EXISTS fails on the catalog's unique index for all but one.
        // The manager keeps a plugin's failed client, so a new one connects
        // again, to the schema that exists by now.
        if (!/pg_namespace_nspname_index/.test(String(error))) throw error;
        return await root.create().forPlugin(name, deps).getClient();
      }
    };
    let client: Promise<Knex> | undefined;
    return {
      migrations: database.migrations,
      getClient: () =>
        (client ??= connect().then(knex =>
          withMigrationLock(knex, { name, logger }),
        )),
    };
  },
});
