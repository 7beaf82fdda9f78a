import { http, HttpResponse } from 'msw';
import { SNAPSHOT_NAME_PATTERN } from './snapshots';
import { clientOfMockBackend } from './__testUtils__/mockBackend';

const { server, base, client } = clientOfMockBackend();

describe('snapshots', () => {
  it('accepts names that fit beside a desktop name in a Kubernetes object name', () => {
    for (const ok of ['a', 'before-upgrade', 'v2', `a${'b'.repeat(39)}`]) {
      expect(SNAPSHOT_NAME_PATTERN.test(ok)).toBe(true);
    }
    for (const bad of [
      '',
      '1st',
      'Upper',
      'ends-',
      'a_b',
      `a${'b'.repeat(40)}`,
    ]) {
      expect(SNAPSHOT_NAME_PATTERN.test(bad)).toBe(false);
    }
  });

  it('calls each snapshot route with the method, path and body the backend takes', async () => {
    const seen: string[] = [];
    const record = async ({ request }: { request: Request }) => {
      const body = await request.text();
      seen.push(
        `${request.method} ${new URL(request.url).pathname}${
          body ? ` ${body}` : ''
        }`,
      );
      return request.method === 'DELETE'
        ? new HttpResponse(null, { status: 204 })
        : HttpResponse.json({ name: 'a' });
    };
    const path = `${base}/workspaces/:name/snapshots`;
    server.use(
      http.get(path, record),
      http.post(path, record),
      http.post(`${path}/:snapshot/restore`, record),
      http.patch(`${path}/:snapshot`, record),
      http.delete(`${path}/:snapshot`, record),
    );
    await client.listSnapshots('my desk');
    await client.takeSnapshot('desk', 'a');
    await client.restoreSnapshot('desk', 'a');
    await client.keepSnapshot('desk', 'a', true);
    await expect(client.deleteSnapshot('desk', 'a')).resolves.toBeUndefined();
    expect(seen).toEqual([
      'GET /api/workspaces/workspaces/my%20desk/snapshots',
      'POST /api/workspaces/workspaces/desk/snapshots {"name":"a"}',
      'POST /api/workspaces/workspaces/desk/snapshots/a/restore',
      'PATCH /api/workspaces/workspaces/desk/snapshots/a {"keep":true}',
      'DELETE /api/workspaces/workspaces/desk/snapshots/a',
    ]);
  });
});
