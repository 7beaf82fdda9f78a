import { http, HttpResponse } from 'msw';
import { clientOfMockBackend } from './__testUtils__/mockBackend';

const { server, base, client } = clientOfMockBackend();

describe('WorkspacesClient', () => {
  it('sends the token, the owner filter and the body', async () => {
    const seen: any[] = [];
    server.use(
      http.get(`${base}/workspaces`, ({ request }) => {
        seen.push([
          request.headers.get('authorization'),
          new URL(request.url).searchParams.getAll('owner'),
        ]);
        return HttpResponse.json([]);
      }),
      http.post(`${base}/workspaces`, async ({ request }) => {
        seen.push([new URL(request.url).search, await request.json()]);
        return HttpResponse.json({ name: 'x' }, { status: 201 });
      }),
    );
    await client.listWorkspaces(
      { owner: ['user:default/a', 'group:default/b'] },
      { token: 't1' },
    );
    await client.createWorkspace(
      { name: 'x', image: 'i', size: 's' },
      { dryRun: true },
    );
    expect(seen).toEqual([
      ['Bearer t1', ['user:default/a', 'group:default/b']],
      ['?dryRun=true', { name: 'x', image: 'i', size: 's' }],
    ]);
  });

  it('turns error responses into errors carrying the backend message', async () => {
    server.use(
      http.post(`${base}/workspaces/x/start`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'You may not lifecycle the desktop',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(client.runAction('x', 'start')).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: { error: { message: 'You may not lifecycle the desktop' } },
    });
  });

  it('answers nothing for a delete', async () => {
    server.use(
      http.delete(
        `${base}/workspaces/x`,
        () => new HttpResponse(null, { status: 204 }),
      ),
    );
    await expect(client.deleteWorkspace('x')).resolves.toBeUndefined();
  });
});
