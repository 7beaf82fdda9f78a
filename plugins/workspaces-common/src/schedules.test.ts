import { http, HttpResponse } from 'msw';
import { isTimeZone, workspaceScheduleProblem } from './schedules';
import { clientOfMockBackend } from './__testUtils__/mockBackend';

const { server, base, client } = clientOfMockBackend();
const ok = {
  timeZone: 'Europe/Berlin',
  days: ['mon', 'fri'],
  start: '08:00',
  stop: '19:00',
};

describe('workspaceScheduleProblem', () => {
  it('accepts working hours with a start, a stop or both', () => {
    expect(workspaceScheduleProblem(ok)).toBeUndefined();
    expect(
      workspaceScheduleProblem({ ...ok, start: undefined }),
    ).toBeUndefined();
    expect(workspaceScheduleProblem({ ...ok, stop: '00:00' })).toBeUndefined();
  });

  it.each([
    [null, 'schedule'],
    [{ ...ok, timeZone: 'Berlin' }, 'timeZone'],
    [{ ...ok, timeZone: 5 }, 'timeZone'],
    [{ ...ok, days: 'mon' }, 'days'],
    [{ ...ok, days: ['monday'] }, 'days'],
    [{ ...ok, start: '19:60' }, 'start'],
    [{ ...ok, stop: 1900 }, 'stop'],
    [{ ...ok, start: undefined, stop: undefined }, 'start'],
    [{ ...ok, stop: '08:00' }, 'stop'],
  ])('refuses %j naming %s', (body, field) => {
    expect(workspaceScheduleProblem(body)).toMatch(new RegExp(`^${field}: `));
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Nowhere/Special')).toBe(false);
  });
});

describe('WorkspacesClient working hours', () => {
  it('reads none as undefined, and sets and removes them', async () => {
    const seen: unknown[] = [];
    server.use(
      http.get(`${base}/workspaces/none/schedule`, () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'none' } },
          { status: 404 },
        ),
      ),
      http.put(`${base}/workspaces/desk/schedule`, async ({ request }) => {
        seen.push(await request.json());
        return HttpResponse.json({ ...ok, updatedAt: 'x', updatedBy: 'y' });
      }),
      http.delete(`${base}/workspaces/desk/schedule`, () => {
        seen.push('deleted');
        return new HttpResponse(null, { status: 204 });
      }),
      http.get(`${base}/workspaces/broken/schedule`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'boom' } },
          { status: 500 },
        ),
      ),
    );
    expect(await client.getSchedule('none')).toBeUndefined();
    await expect(client.getSchedule('broken')).rejects.toThrow();
    expect(await client.setSchedule('desk', ok as any)).toMatchObject(ok);
    await client.deleteSchedule('desk');
    expect(seen).toEqual([ok, 'deleted']);
  });
});
