import { ShareStore } from './ShareStore';
import type { WorkspaceStore } from './WorkspaceStore';
import {
  storeDatabases,
  workspaceRecord,
} from './__testUtils__/storeDatabases';

const databases = storeDatabases();

const MADE = new Date('2026-12-01T08:00:00Z');
const HOUR = 3600_000;

const record = (name: string, owner: string, createdAt = MADE) =>
  workspaceRecord(name, owner, createdAt);

describe.each(databases.ids)('ShareStore on %s', databaseId => {
  let workspaces: WorkspaceStore;
  let shares: ShareStore;
  let now: Date;
  const at = (hours: number) => new Date(MADE.getTime() + hours * HOUR);
  const share = (
    workspace: string,
    grantee: string,
    mode: 'view' | 'control',
    hours: number,
  ) =>
    shares.put({
      workspace,
      grantee,
      mode,
      expiresAt: at(hours),
      grantedBy: 'user:default/alice',
    });

  beforeAll(async () => {
    ({ workspaces } = await databases.open(databaseId));
    shares = workspaces.sharing(db => new ShareStore(db, () => now));
    await workspaces.reserve(record('desk', 'user:default/alice'), 10);
    await workspaces.reserve(record('other', 'user:default/alice'), 10);
  });

  beforeEach(() => {
    now = at(1);
  });

  it('shares, re-shares and lists live shares by grantee, lower-cased', async () => {
    const first = await share('desk', 'user:default/Bob', 'view', 5);
    expect(first.previous).toBeUndefined();
    expect(first.share).toEqual({
      workspace: 'desk',
      grantee: 'user:default/bob',
      mode: 'view',
      expiresAt: at(5).toISOString(),
      grantedBy: 'user:default/alice',
      grantedAt: at(1).toISOString(),
    });
    const again = await share('desk', 'user:default/bob', 'control', 6);
    expect(again.previous?.mode).toBe('view');
    await share('desk', 'group:default/team-a', 'view', 3);
    expect(
      (await shares.list('desk')).map(s => [s.grantee, s.mode, s.expiresAt]),
    ).toEqual([
      ['group:default/team-a', 'view', at(3).toISOString()],
      ['user:default/bob', 'control', at(6).toISOString()],
    ]);
    expect(await shares.list('other')).toEqual([]);
  });

  it('forgets shares once they end, everywhere it answers', async () => {
    now = at(4);
    expect((await shares.list('desk')).map(s => s.grantee)).toEqual([
      'user:default/bob',
    ]);
    expect(
      (await shares.sharedWith(['user:default/carol', 'group:default/team-a']))
        .length,
    ).toBe(0);
    const grants = await shares.grantsOf([
      record('desk', 'user:default/alice'),
    ]);
    expect(grants.get('desk')).toEqual([
      { grantee: 'user:default/bob', mode: 'control', expiresAt: at(6) },
    ]);
    // An ended share counts as none when shared again.
    expect(
      (await share('desk', 'group:default/team-a', 'view', 8)).previous,
    ).toBeUndefined();
  });

  it('answers what is shared with a person and their groups', async () => {
    expect(
      (
        await shares.sharedWith(['user:default/BOB', 'group:default/nobody'])
      ).map(s => [s.workspace, s.mode]),
    ).toEqual([['desk', 'control']]);
  });

  it('filters records in SQL by live shares with the claims, in the modes', async () => {
    const names = async (claims: string[], modes: Array<'view' | 'control'>) =>
      (
        await workspaces.list({ allowed: { sharedWith: { claims, modes } } })
      ).map(r => r.name);
    // The SQL compares with the real clock, not the store's.
    const live = new Date(Date.now() + 24 * HOUR);
    await shares.put({
      workspace: 'other',
      grantee: 'user:default/dave',
      mode: 'view',
      expiresAt: live,
      grantedBy: 'user:default/alice',
    });
    expect(await names(['user:default/Dave'], ['view', 'control'])).toEqual([
      'other',
    ]);
    expect(await names(['user:default/dave'], ['control'])).toEqual([]);
    expect(await names([], ['view'])).toEqual([]);
    expect(
      await workspaces.list({
        allowed: {
          anyOf: [
            { owners: ['user:default/nobody'] },
            { sharedWith: { claims: ['user:default/dave'], modes: ['view'] } },
          ],
        },
      }),
    ).toHaveLength(1);
  });

  it('grants nothing to a namesake desktop made after the share', async () => {
    const later = record('desk', 'user:default/mallory', at(10));
    expect((await shares.grantsOf([later])).get('desk')).toEqual([]);
  });

  it('removes one share, or all of a desktop', async () => {
    expect(await shares.remove('desk', 'User:default/Bob')).toBe(true);
    expect(await shares.remove('desk', 'user:default/bob')).toBe(false);
    await shares.removeAll('other');
    now = new Date();
    expect(await shares.list('other')).toEqual([]);
  });
});
