import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { WorkspaceStore, type WorkspaceRecord } from './WorkspaceStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const createdAt = new Date('2026-11-24T12:00:00Z');
const expiresAt = new Date('2026-11-25T12:00:00.123Z');
const record: WorkspaceRecord = {
  name: 'desk',
  cluster: 'local',
  provider: 'local',
  os: 'linux',
  image: 'debian-desktop',
  size: 'small',
  diskGi: 20,
  owner: 'user:default/alice',
  createdBy: 'user:default/alice',
  state: 'active',
  createdAt,
  expiresAt,
  lastActivityAt: createdAt,
};

describe.each(databases.eachSupportedId())(
  'WorkspaceStore.setExpiry on %s',
  databaseId => {
    it('moves the expiry only from the one it was read with', async () => {
      const store = await WorkspaceStore.create({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
      });
      await store.reserve(record, 10);
      const later = new Date('2026-11-26T12:00:00.456Z');
      const other = new Date('2026-11-27T12:00:00Z');
      // Two extensions read the same expiry; the second must not win.
      expect(await store.setExpiry('desk', expiresAt, later)).toBe(true);
      expect(await store.setExpiry('desk', expiresAt, other)).toBe(false);
      expect((await store.get('desk'))?.expiresAt).toEqual(later);
      expect(await store.setExpiry('desk', later, other)).toBe(true);
      expect((await store.get('desk'))?.expiresAt).toEqual(other);
    });
  },
);
