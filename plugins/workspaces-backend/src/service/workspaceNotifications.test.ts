import {
  expiryNotification,
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
});
