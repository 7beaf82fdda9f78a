import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConsoleRecordingStore } from './ConsoleRecordingStore';
import { WorkspaceStore } from './WorkspaceStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ALICE = 'user:default/alice';

describe.each(databases.eachSupportedId())(
  'ConsoleRecordingStore on %s',
  databaseId => {
    let store: ConsoleRecordingStore;
    let workspaces: WorkspaceStore;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      workspaces = await WorkspaceStore.create({
        database: mockServices.database({ knex }),
      });
      store = workspaces.sharing(db => new ConsoleRecordingStore(db));
    });

    const add = (id: string, at: string, extra: object = {}) =>
      store.add({
        id,
        workspace: 'desk',
        owner: ALICE,
        actor: ALICE,
        startedAt: new Date(at),
        ...extra,
      });

    it('records a recording, then how it ended, newest first', async () => {
      await add('r1', '2026-12-06T10:00:00Z');
      await add('r2', '2026-12-06T11:00:00Z');
      expect(await store.get('r1')).toEqual({
        id: 'r1',
        workspace: 'desk',
        owner: ALICE,
        actor: ALICE,
        startedAt: '2026-12-06T10:00:00.000Z',
        endedAt: undefined,
        durationMs: undefined,
        bytes: 0,
        truncated: false,
      });
      await store.finish('r1', {
        endedAt: new Date('2026-12-06T10:05:00Z'),
        durationMs: 300_000,
        bytes: 5_000_000_000,
        truncated: true,
      });
      expect(await store.get('r1')).toMatchObject({
        endedAt: '2026-12-06T10:05:00.000Z',
        durationMs: 300_000,
        bytes: 5_000_000_000,
        truncated: true,
      });
      expect(
        (await store.list('desk', 'user:default/Alice')).map(r => r.id),
      ).toEqual(['r2', 'r1']);
      expect(await store.get('nope')).toBeUndefined();
    });

    it("shows a namesake desktop none of an earlier owner's recordings", async () => {
      expect(await store.list('desk', 'user:default/bob')).toEqual([]);
    });

    it('finds open recordings whose session no process relays any more', async () => {
      const now = new Date('2026-12-06T12:00:00Z');
      const live = await workspaces.startConsoleSession('desk', ALICE);
      const crashed = await workspaces.startConsoleSession('desk', ALICE);
      await workspaces.sharing(db =>
        Promise.all([
          db('console_sessions')
            .where({ id: live })
            .update({ lease_expires_at: new Date(now.getTime() + 30_000) }),
          db('console_sessions')
            .where({ id: crashed })
            .update({ lease_expires_at: new Date(now.getTime() - 1_000) }),
        ]),
      );
      await add('live', '2026-12-06T11:59:00Z', { consoleSessionId: live });
      await add('crashed', '2026-12-06T11:58:00Z', {
        consoleSessionId: crashed,
      });
      await add('mine', '2026-12-06T11:58:00Z', { consoleSessionId: crashed });
      const orphans = await store.orphans(now, ['mine']);
      // r2 has no session row at all.
      expect(orphans.map(r => r.id).sort()).toEqual(['crashed', 'r2']);
    });

    it('lists those past retention oldest first, and removes them', async () => {
      const old = await store.startedBefore(
        new Date('2026-12-06T11:30:00Z'),
        1,
      );
      expect(old.map(r => r.id)).toEqual(['r1']);
      expect(await store.remove(['r1', 'r2'])).toBe(2);
      expect(await store.remove([])).toBe(0);
      expect(await store.get('r1')).toBeUndefined();
    });

    it('totals the bytes of all recordings, open ones as far as reported', async () => {
      const before = await store.usedBytes();
      await add('p1', '2026-12-06T12:00:00Z');
      expect(await store.progress('p1', 100)).toBe(true);
      expect(await store.usedBytes()).toBe(before + 100);
      await store.finish('p1', {
        endedAt: new Date('2026-12-06T12:01:00Z'),
        durationMs: 60_000,
        bytes: 150,
        truncated: false,
      });
      // A late report never undoes how the recording ended.
      expect(await store.progress('p1', 120)).toBe(false);
      expect(await store.progress('nope', 1)).toBe(false);
      expect(await store.usedBytes()).toBe(before + 150);
    });
  },
);
