import {
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { WorkspaceStore, type WorkspaceRecord } from '../WorkspaceStore';

/**
 * The databases the stores must work on: SQLite, and PostgreSQL where the
 * environment names one. Call it at the top of a test file, as it adds
 * Jest hooks that close the databases.
 */
export function storeDatabases() {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  return {
    ids: databases.eachSupportedId(),
    /** A fresh database, migrated as the plugin migrates it. */
    async open(id: TestDatabaseId): Promise<{
      knex: Knex;
      workspaces: WorkspaceStore;
    }> {
      const knex = await databases.init(id);
      const workspaces = await WorkspaceStore.create({
        database: mockServices.database({ knex }),
      });
      return { knex, workspaces };
    },
  };
}

/** An active Linux desktop as the store keeps it. */
export function workspaceRecord(
  name: string,
  owner: string,
  createdAt: Date,
): WorkspaceRecord {
  return {
    name,
    cluster: 'local',
    provider: 'local',
    os: 'linux',
    image: 'debian-desktop',
    size: 'small',
    diskGi: 20,
    owner,
    createdBy: owner,
    state: 'active',
    createdAt,
    lastActivityAt: createdAt,
  };
}
