import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import { workspaceRecord } from '../database/__testUtils__/storeDatabases';
import type { WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import { WorkspaceViews } from './WorkspaceViews';
import type { WorkspacesConfig } from './WorkspacesConfig';

const ALICE = 'user:default/alice';
const TEAM = 'group:default/team-a';
const at = new Date('2026-12-01T10:00:00Z');
const RECORDS: WorkspaceRecord[] = [
  { ...workspaceRecord('a-desk', ALICE, at), image: 'recorded-image' },
  { ...workspaceRecord('t-desk', TEAM, at), state: 'creating' },
];
const caller = mockCredentials.user(ALICE);

function views(readable: unknown = undefined) {
  const list = jest.fn(async (filter?: { owners?: string[] }) =>
    RECORDS.filter(r => !filter?.owners || filter.owners.includes(r.owner)),
  );
  const authorizer = {
    readable: async () => readable,
    authorizeRecord: async (name: string) =>
      RECORDS.find(r => r.name === name)!,
    orderingOwners: async () => ({
      owners: [ALICE, TEAM],
      userEntityRef: ALICE,
    }),
  } as unknown as WorkspaceAuthorizer;
  return {
    list,
    views: new WorkspaceViews({
      config: { limits: { maxPerOwner: 3 } } as WorkspacesConfig,
      clusters: () => ({ clusters: [], defaultCluster: 'test' }),
      list,
      withLiveStatus: async records =>
        records.map(r => ({ name: r.name, image: r.image } as Workspace)),
      authorizer,
      sharing: {
        withAccess: async (_c, records, workspaces) =>
          workspaces.map((w, i) =>
            records[i].owner === ALICE ? { ...w, access: 'manage' } : w,
          ),
      },
      recorder: { records: d => d.image === 'recorded-image' },
    }),
  };
}

describe('WorkspaceViews', () => {
  it('lists desktops with what the caller may do and whether they are recorded', async () => {
    const { views: v, list } = views();
    expect(await v.list(caller, { owners: [ALICE, TEAM] })).toEqual([
      {
        name: 'a-desk',
        image: 'recorded-image',
        access: 'manage',
        recorded: true,
      },
      { name: 't-desk', image: 'debian-desktop' },
    ]);
    expect(list).toHaveBeenCalledWith({
      owners: [ALICE, TEAM],
      allowed: undefined,
    });
    expect(await v.get(caller, 'a-desk')).toMatchObject({ recorded: true });
  });

  it('refuses a caller who may read no desktops at all', async () => {
    await expect(views(false).views.list(caller, {})).rejects.toThrow(
      NotAllowedError,
    );
  });

  it("counts each owner's desktops against the quota", async () => {
    expect(await views().views.ordering(caller)).toEqual({
      owners: [
        { owner: ALICE, held: 1, max: 3 },
        { owner: TEAM, held: 1, max: 3 },
      ],
    });
  });

  it('gives housekeeping only desktops neither created nor deleted now', async () => {
    const active = await views().views.listActive();
    expect(active.map(a => [a.record.name, a.workspace.name])).toEqual([
      ['a-desk', 'a-desk'],
    ]);
  });
});
