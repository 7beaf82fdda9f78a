import fs from 'fs';
import os from 'os';
import path from 'path';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import {
  killFaultBackends,
  startFaultBackend,
  type FaultBackend,
  type FaultBackendOptions,
} from '../__testUtils__/faultProcess';

// Ten orders at once against a quota of three, split over two backend
// processes on one database, so neither a connection pool nor a process
// boundary lets a fourth through.
jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ALICE = 'user:default/alice';

describe.each(databases.eachSupportedId())(
  'the per-owner quota under parallel orders on %s',
  databaseId => {
    let dir: string;

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workspaces-quota-'));
    });

    afterEach(async () => {
      await killFaultBackends();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    afterAll(killFaultBackends);

    /** A SQLite file both processes open, or a fresh PostgreSQL database. */
    async function database(): Promise<Knex.Config> {
      if (databaseId === 'SQLITE_3') {
        return {
          client: 'better-sqlite3',
          connection: { filename: path.join(dir, 'workspaces.sqlite') },
          useNullAsDefault: true,
        };
      }
      const knex = await databases.init(databaseId);
      // The password is not an own property, so spreading alone loses it.
      const connection = knex.client.config.connection;
      return {
        client: 'pg',
        connection: { ...connection, password: connection.password },
      };
    }

    it('accepts exactly as many orders as the quota allows', async () => {
      const options: FaultBackendOptions = {
        database: await database(),
        machinesFile: path.join(dir, 'machines.json'),
        maxPerOwner: 3,
      };
      // One after the other: both would migrate an empty database at once.
      const backends: FaultBackend[] = [];
      for (let i = 0; i < 2; i++) {
        backends.push(await startFaultBackend(options));
      }
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          backends[i % 2].call('POST', '/workspaces', ALICE, {
            name: `order-${i}`,
            image: 'ubuntu-desktop',
            size: 'small',
          }),
        ),
      );
      const statuses = answers.map(a => a.status);
      const accepted = statuses.filter(s => s === 201).length;
      console.log(
        `orders accepted: ${accepted} of 10 (${databaseId}, two backend processes)`,
      );
      // Anything but an acceptance or a quota refusal is a fault of its own.
      expect(statuses.filter(s => s !== 201 && s !== 403)).toEqual([]);
      expect(accepted).toBe(3);
      expect(statuses.filter(s => s === 403)).toHaveLength(7);
      expect(answers.find(a => a.status === 403)?.body.error.message).toMatch(
        /^Quota reached: 'user:default\/alice' holds 3 of 3 desktops/,
      );
      const listed = await backends[0].call('GET', '/workspaces', ALICE);
      expect(listed.body).toHaveLength(3);
    });
  },
);
