import type { WorkspaceRecord } from './WorkspaceStore';
import {
  storeDatabases,
  workspaceRecord,
} from './__testUtils__/storeDatabases';

const databases = storeDatabases();

const createdAt = new Date('2026-11-24T12:00:00Z');
const expiresAt = new Date('2026-11-25T12:00:00.123Z');
const record: WorkspaceRecord = {
  ...workspaceRecord('desk', 'user:default/alice', createdAt),
  expiresAt,
};

describe.each(databases.ids)('WorkspaceStore.setExpiry on %s', databaseId => {
  it('moves the expiry only from the one it was read with', async () => {
    const { workspaces: store } = await databases.open(databaseId);
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
});
