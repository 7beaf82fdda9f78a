import type { WorkspaceStore } from './WorkspaceStore';
import {
  storeDatabases,
  workspaceRecord,
} from './__testUtils__/storeDatabases';

const databases = storeDatabases();

const record = (name: string, owner: string) =>
  workspaceRecord(name, owner, new Date('2026-11-24T12:00:00Z'));

describe.each(databases.ids)('WorkspaceStore on %s', databaseId => {
  let store: WorkspaceStore;
  const names = async (allowed: Parameters<WorkspaceStore['list']>[0]) =>
    (await store.list(allowed)).map(r => r.name);

  beforeAll(async () => {
    ({ workspaces: store } = await databases.open(databaseId));
    await store.reserve(record('a', 'user:default/Alice'), 10);
    await store.reserve(record('b', 'group:default/team'), 10);
    await store.reserve(record('c', 'user:default/carol'), 10);
  });

  it('turns a policy condition into SQL, comparing owners without case', async () => {
    expect(
      await names({ allowed: { owners: ['user:default/alice'] } }),
    ).toEqual(['a']);
  });

  it('combines conditions with anyOf, allOf and not', async () => {
    const alice = { owners: ['user:default/alice'] };
    const team = { owners: ['group:default/team'] };
    expect(await names({ allowed: { anyOf: [alice, team] } })).toEqual([
      'a',
      'b',
    ]);
    expect(await names({ allowed: { allOf: [alice, team] } })).toEqual([]);
    expect(await names({ allowed: { not: alice } })).toEqual(['b', 'c']);
  });

  it('holds an owner to the quota under parallel reservations, in any case', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.reserve(
          record(`q-${i}`, i % 2 ? 'user:default/Quota' : 'user:default/quota'),
          3,
        ),
      ),
    );
    expect(results.filter(r => r.ok)).toHaveLength(3);
    expect(results.find(r => !r.ok)).toEqual({ ok: false, held: 3 });
  });

  it('refuses a taken name before it counts', async () => {
    await expect(
      store.reserve(record('a', 'user:default/someone'), 10),
    ).rejects.toThrow("A desktop named 'a' already exists");
  });

  it('moves a record between states only from the state named', async () => {
    await store.reserve(record('moving', 'user:default/m'), 10);
    const moves = await Promise.all([
      store.transition('moving', 'active', 'deleting'),
      store.transition('moving', 'active', 'deleting'),
    ]);
    expect(moves.sort()).toEqual([false, true]);
    expect(await store.remove('moving', 'active')).toBe(false);
    expect(await store.remove('moving', 'deleting')).toBe(true);
  });

  it('allows nothing for a condition with no owners', async () => {
    expect(await names({ allowed: { owners: [] } })).toEqual([]);
  });

  it('applies the owner filter and the condition together', async () => {
    expect(
      await names({
        owners: ['group:default/team', 'user:default/carol'],
        allowed: { not: { owners: ['user:default/carol'] } },
      }),
    ).toEqual(['b']);
  });
});
