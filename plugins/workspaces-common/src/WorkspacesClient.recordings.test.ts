import { http, HttpResponse } from 'msw';
import { clientOfMockBackend } from './__testUtils__/mockBackend';

const { server, base, client } = clientOfMockBackend();

describe('WorkspacesClient recordings', () => {
  it('lists and reads recordings with the caller token', async () => {
    const summary = {
      id: 'r1',
      workspace: 'my desk',
      actor: 'user:default/alice',
      startedAt: '2026-12-06T10:00:00.000Z',
      bytes: 42,
      truncated: false,
    };
    const seen: string[] = [];
    server.use(
      http.get(`${base}/workspaces/my%20desk/recordings`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return HttpResponse.json({ items: [summary] });
      }),
      http.get(`${base}/recordings/r1`, () => HttpResponse.json(summary)),
    );
    expect(await client.listRecordings('my desk', { token: 't' })).toEqual({
      items: [summary],
    });
    expect(seen).toEqual(['Bearer t']);
    expect(await client.getRecording('r1')).toEqual(summary);
  });

  it('fetches the content as bytes, and errors as errors', async () => {
    server.use(
      http.get(
        `${base}/recordings/r1/content`,
        () =>
          new HttpResponse(new Uint8Array([68, 77, 82]), {
            headers: { 'Content-Type': 'application/octet-stream' },
          }),
      ),
      http.get(`${base}/recordings/gone/content`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: "No recording 'gone'" },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const content = await client.getRecordingContent('r1');
    expect([...new Uint8Array(content)]).toEqual([68, 77, 82]);
    await expect(client.getRecordingContent('gone')).rejects.toMatchObject({
      statusCode: 404,
      body: { error: { message: "No recording 'gone'" } },
    });
  });
});
