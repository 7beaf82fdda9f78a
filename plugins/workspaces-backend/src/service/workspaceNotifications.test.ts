import {
  expiryNotification,
  shareGrantedNotification,
  workspacePageLink,
} from './workspaceNotifications';

describe('workspace notifications', () => {
  it('tells a grantee of a share, not the person who shared with their own group', () => {
    expect(
      shareGrantedNotification({
        name: 'team-desk',
        grantee: 'group:default/team-a',
        grantedBy: 'user:default/alice',
        access: 'control',
      }),
    ).toEqual({
      recipients: {
        type: 'entity',
        entityRef: 'group:default/team-a',
        excludeEntityRef: 'user:default/alice',
      },
      payload: {
        title: 'Desktop team-desk was shared with you',
        description: 'user:default/alice gave you control of the desktop.',
        link: '/catalog/default/workspace/team-desk',
        severity: 'normal',
        topic: 'Desktop shared',
        scope: 'workspaces:team-desk:share:group:default/team-a',
      },
    });
    expect(
      shareGrantedNotification({
        name: 'd',
        grantee: 'user:default/bob',
        grantedBy: 'user:default/alice',
        access: 'view',
      }).payload.description,
    ).toBe('user:default/alice gave you a view of the desktop.');
  });

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
});
