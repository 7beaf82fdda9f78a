import type { WorkspaceRecord } from '../database/WorkspaceStore';
import { isSharedWith } from './rules';

const record = (grants: WorkspaceRecord['grants']) =>
  ({ name: 'desk', owner: 'user:default/alice', grants } as WorkspaceRecord);
const later = new Date(Date.now() + 3600_000);
const earlier = new Date(Date.now() - 1000);

describe('isSharedWith', () => {
  const claims = ['user:default/Bob', 'group:default/team-b'];

  it('matches a live grant to a claim in an allowed mode, without case', () => {
    const desk = record([
      { grantee: 'group:default/team-b', mode: 'control', expiresAt: later },
    ]);
    expect(isSharedWith.apply(desk, { claims, modes: ['control'] })).toBe(true);
    expect(
      isSharedWith.apply(desk, {
        claims: ['user:default/x'],
        modes: ['control'],
      }),
    ).toBe(false);
  });

  it('ignores grants in other modes, ended grants and records loaded without grants', () => {
    expect(
      isSharedWith.apply(
        record([
          { grantee: 'user:default/bob', mode: 'view', expiresAt: later },
        ]),
        { claims, modes: ['control'] },
      ),
    ).toBe(false);
    expect(
      isSharedWith.apply(
        record([
          { grantee: 'user:default/bob', mode: 'view', expiresAt: earlier },
        ]),
        { claims, modes: ['view', 'control'] },
      ),
    ).toBe(false);
    expect(
      isSharedWith.apply(record(undefined), { claims, modes: ['view'] }),
    ).toBe(false);
  });

  it('becomes a filter on shares for listing', () => {
    expect(isSharedWith.toQuery({ claims, modes: ['view'] })).toEqual({
      sharedWith: { claims, modes: ['view'] },
    });
  });
});
