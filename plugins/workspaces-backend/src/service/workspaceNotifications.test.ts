import {
  expiryNotification,
  shareGrantedNotification,
  workspacePageLink,
} from './workspaceNotifications';

describe('workspace notifications', () => {
  it('says when a desktop expires, in UTC, and links to its page', () => {
    const n = expiryNotification(
      {
        name: 'desk',
        owner: 'user:default/alice',
        expiresAt: new Date('2026-12-01T10:00:00Z'),
      },
      '1h',
    );
    expect(n.payload.description).toMatch(
      /^Its lifetime ends 2026-12-01 10:00 UTC\./,
    );
    expect(n.payload.link).toBe(workspacePageLink('desk'));
    expect(workspacePageLink('a b')).toBe('/catalog/default/workspace/a%20b');
  });

  it('tells a grantee what they may do until when, replacing an earlier notice', () => {
    const share = {
      workspace: 'desk',
      grantee: 'user:default/bob',
      mode: 'view' as const,
      expiresAt: '2026-12-01T10:00:00.000Z',
      grantedBy: 'user:default/alice',
      grantedAt: '2026-11-30T10:00:00.000Z',
    };
    const n = shareGrantedNotification(share, 'group:default/team-a');
    expect(n.recipients).toEqual({
      type: 'entity',
      entityRef: 'user:default/bob',
    });
    expect(n.payload.description).toBe(
      'user:default/alice lets you watch its screen until 2026-12-01 10:00 UTC. Its owner is group:default/team-a.',
    );
    expect(n.payload.scope).toBe(
      shareGrantedNotification({ ...share, mode: 'control' }, 'x').payload
        .scope,
    );
  });
});
