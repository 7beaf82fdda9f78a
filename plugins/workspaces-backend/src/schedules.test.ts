import { TestDatabases } from '@backstage/backend-test-utils';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import request from 'supertest';
import { startWorkspacesTestBackend } from './__testUtils__/testBackend';
import { authAs, keepLifecycleFromOwners } from './__testUtils__/routeTests';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const HOURS = {
  timeZone: 'Europe/Berlin',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '08:00',
  stop: '19:00',
};

describe('working hours routes', () => {
  let server: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  const api = () => request(server.server);
  const as = authAs;
  const path = '/api/workspaces/workspaces/alice-desk/schedule';

  beforeEach(async () => {
    server = await startWorkspacesTestBackend({
      knex: await databases.init('SQLITE_3'),
      providers: [new FakeProvider()],
    });
    await api()
      .post('/api/workspaces/workspaces')
      .set(as(ALICE))
      .send({ name: 'alice-desk', image: 'ubuntu-desktop', size: 'small' })
      .expect(201);
  });
  afterEach(() => server.stop());

  it('sets, reads, replaces and removes working hours, in the audit log', async () => {
    await api().get(path).set(as(ALICE)).expect(404);
    const put = await api().put(path).set(as(ALICE)).send(HOURS).expect(200);
    expect(put.body).toMatchObject({ ...HOURS, updatedBy: ALICE });
    const got = await api().get(path).set(as(ALICE)).expect(200);
    expect(got.body).toEqual(put.body);
    await api()
      .put(path)
      .set(as(ALICE))
      .send({ timeZone: 'America/New_York', days: ['sat'], stop: '23:30' })
      .expect(200);
    expect((await api().get(path).set(as(ALICE))).body).toMatchObject({
      timeZone: 'America/New_York',
      days: ['sat'],
      stop: '23:30',
    });
    await api().delete(path).set(as(ALICE)).expect(204);
    await api().get(path).set(as(ALICE)).expect(404);
    const audit = await api()
      .get('/api/workspaces/workspaces/alice-desk/audit')
      .set(as(ALICE));
    expect(
      audit.body
        .filter((e: { action: string }) => e.action === 'schedule')
        .map((e: { message: string }) => e.message),
    ).toEqual([
      'working hours removed',
      'sat - to 23:30 America/New_York',
      'mon,tue,wed,thu,fri 08:00 to 19:00 Europe/Berlin',
    ]);
  });

  it.each([
    [{ ...HOURS, timeZone: 'Mars/Olympus' }, /^timeZone: expected an IANA/],
    [{ ...HOURS, days: [] }, /^days: expected one or more of mon/],
    [{ ...HOURS, days: ['mon', 'mon'] }, /^days: .*each once$/],
    [{ ...HOURS, start: '8:00' }, /^start: expected a time HH:MM/],
    [{ ...HOURS, stop: '24:00' }, /^stop: expected a time HH:MM/],
    [{ timeZone: 'UTC', days: ['mon'] }, /^start: give a start time/],
    [{ ...HOURS, stop: '08:00' }, /^stop: must differ from start$/],
    [['mon'], /^schedule: expected an object/],
  ])('refuses %j with 400 naming the field', async (body, message) => {
    const res = await api().put(path).set(as(ALICE)).send(body).expect(400);
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.message).not.toContain('\n');
    await api().get(path).set(as(ALICE)).expect(404);
  });

  it('answers 404 to someone who may not see the desktop, and for no desktop', async () => {
    await api().put(path).set(as(ALICE)).send(HOURS).expect(200);
    await api().get(path).set(as(BOB)).expect(404);
    await api().put(path).set(as(BOB)).send(HOURS).expect(404);
    await api().delete(path).set(as(BOB)).expect(404);
    await api()
      .put('/api/workspaces/workspaces/nope/schedule')
      .set(as(ALICE))
      .send(HOURS)
      .expect(404);
    expect((await api().get(path).set(as(ALICE))).body.updatedBy).toBe(ALICE);
  });

  it('answers 403 to a reader whom the policy does not let change the desktop', async () => {
    await api().put(path).set(as(ALICE)).send(HOURS).expect(200);
    const spy = keepLifecycleFromOwners();
    try {
      await api().get(path).set(as(ALICE)).expect(200);
      for (const call of [api().put(path).send(HOURS), api().delete(path)]) {
        const res = await call.set(as(ALICE)).expect(403);
        expect(res.body.error.message).toBe(
          "You may not lifecycle the desktop 'alice-desk'",
        );
      }
    } finally {
      spy.mockRestore();
    }
    expect((await api().get(path).set(as(ALICE))).body.days).toEqual(
      HOURS.days,
    );
  });
});
