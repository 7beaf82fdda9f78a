import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { SnapshotStore, type SnapshotRecord } from './SnapshotStore';
import { WorkspaceStore } from './WorkspaceStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

function snapshot(
  workspace: string,
  name: string,
  at = '2026-12-02T10:00:00.000Z',
  owner = 'user:default/alice',
): SnapshotRecord {
  return {
    workspace,
    name,
    owner,
    createdBy: 'user:default/alice',
    createdAt: at,
    state: 'in-progress',
    keep: false,
    providerRef: `${workspace}-${name}`,
  };
}

describe.each(databases.eachSupportedId())(
  'SnapshotStore on %s',
  databaseId => {
    let store: SnapshotStore;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      const workspaces = await WorkspaceStore.create({
        database: mockServices.database({ knex }),
      });
      store = workspaces.sharing(db => new SnapshotStore(db));
    });

    it('records snapshots and lists them newest first', async () => {
      await store.add(snapshot('desk', 'first'), 5);
      await store.add(snapshot('desk', 'second', '2026-12-02T11:00:00Z'), 5);
      await store.add(snapshot('other', 'first'), 5);
      expect((await store.list('desk')).map(s => s.name)).toEqual([
        'second',
        'first',
      ]);
      expect(await store.get('desk', 'first', 'user:default/Alice')).toEqual({
        ...snapshot('desk', 'first'),
        message: undefined,
      });
    });

    it('refuses a second snapshot of the same name on the same desktop', async () => {
      await expect(store.add(snapshot('desk', 'first'), 5)).rejects.toThrow(
        "The desktop 'desk' already has a snapshot named 'first'",
      );
    });

    it('holds a desktop to its limit under parallel adds', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.add(snapshot('full', `s${i}`), 3),
        ),
      );
      expect(results.filter(r => r.ok)).toHaveLength(3);
      expect(results.find(r => !r.ok)).toEqual({ ok: false, held: 3 });
      expect(await store.list('full')).toHaveLength(3);
    });

    it('shows a namesake desktop only the snapshots of its own owner', async () => {
      await store.add(
        snapshot('reused', 'old', undefined, 'user:default/bob'),
        5,
      );
      expect(await store.list('reused', 'user:default/alice')).toEqual([]);
      expect(
        await store.get('reused', 'old', 'user:default/alice'),
      ).toBeUndefined();
      expect(
        (await store.list('reused', 'user:default/Bob')).map(s => s.name),
      ).toEqual(['old']);
    });

    it('updates state, message and keep, and removes', async () => {
      expect(
        await store.update('desk', 'first', {
          state: 'failed',
          message: 'no room',
          keep: true,
        }),
      ).toBe(true);
      expect(
        await store.get('desk', 'first', 'user:default/alice'),
      ).toMatchObject({ state: 'failed', message: 'no room', keep: true });
      await store.update('desk', 'first', {
        state: 'ready',
        message: undefined,
      });
      expect(
        await store.get('desk', 'first', 'user:default/alice'),
      ).toMatchObject({ state: 'ready', message: undefined, keep: true });
      expect(await store.remove('desk', 'first')).toBe(true);
      expect(await store.remove('desk', 'first')).toBe(false);
      expect(await store.update('desk', 'first', { keep: false })).toBe(false);
    });
  },
);
