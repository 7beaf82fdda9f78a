import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import request from 'supertest';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { startWorkspacesTestBackend } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ALICE = 'user:default/alice';
const CAROL = 'user:default/carol'; // in team-a with alice
const BOB = 'user:default/bob';
const ADMIN = 'user:default/admin';

const order = (name: string, extra: object = {}) => ({
  name,
  image: 'ubuntu-desktop',
  size: 'small',
  ...extra,
});

describe.each(databases.eachSupportedId())(
  'workspaces backend on %s',
  databaseId => {
    let provider: FakeProvider;
    let server: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      provider = new FakeProvider();
      server = await startWorkspacesTestBackend({
        knex,
        providers: [provider],
      });
    });

    afterEach(async () => {
      await server.stop();
    });

    const api = () => request(server.server);
    const as = (user?: string) => ({
      Authorization: user
        ? mockCredentials.user.header(user)
        : mockCredentials.none.header(),
    });

    async function seed() {
      await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('alice-desk'))
        .expect(201);
      await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('team-desk', { owner: 'group:default/team-a' }))
        .expect(201);
      provider.calls.length = 0;
    }

    it('orders a desktop, records it and announces it', async () => {
      const res = await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('alice-desk', { diskGi: 50, lifetimeHours: 4 }))
        .expect(201);
      expect(res.body).toMatchObject({
        name: 'alice-desk',
        cluster: 'test',
        provider: 'fake',
        os: 'linux',
        image: 'ubuntu-desktop',
        size: 'small',
        diskGi: 50,
        owner: ALICE,
        createdBy: ALICE,
        status: { phase: 'Starting' },
      });
      const lifetime =
        Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt);
      expect(lifetime).toBe(4 * 3600_000);
      expect(provider.calls).toEqual([{ op: 'create', name: 'alice-desk' }]);
      expect(server.published).toEqual([
        expect.objectContaining({
          topic: 'workspaces',
          eventPayload: expect.objectContaining({
            type: 'created',
            workspace: expect.objectContaining({ name: 'alice-desk' }),
          }),
        }),
      ]);
      const audit = await api()
        .get('/api/workspaces/workspaces/alice-desk/audit')
        .set(as(ALICE))
        .expect(200);
      expect(audit.body).toEqual([
        expect.objectContaining({
          action: 'create',
          outcome: 'succeeded',
          actor: ALICE,
        }),
      ]);
    });

    it.each([
      [
        { name: 'Bad_Name', image: 'ubuntu-desktop', size: 'small' },
        /name: name must be lowercase/,
      ],
      [
        { name: 'ok', image: 'gentoo', size: 'small' },
        /image: 'gentoo' is not offered/,
      ],
      [
        { name: 'ok', image: 'ubuntu-desktop', size: 'huge' },
        /size: 'huge' is not offered/,
      ],
      [
        { name: 'ok', image: 'ubuntu-desktop', size: 'small', diskGi: 500 },
        /diskGi: 500 is out of range; allowed 20 to 100/,
      ],
      [
        { name: 'ok', image: 'ubuntu-desktop', size: 'small', diskGi: 10 },
        /diskGi: 10 is out of range/,
      ],
      [
        {
          name: 'ok',
          image: 'ubuntu-desktop',
          size: 'small',
          lifetimeHours: 49,
        },
        /lifetimeHours: 49 is out of range/,
      ],
      [
        { name: 'ok', image: 'ubuntu-desktop', size: 'small', cluster: 'mars' },
        /cluster: 'mars' is not served/,
      ],
      [
        { name: 'ok', image: 'ubuntu-desktop', size: 'small', color: 'red' },
        /unknown field\(s\): color/,
      ],
      [
        { name: 'ok', image: 'ubuntu-desktop', size: 'small', diskGi: '40' },
        /diskGi/,
      ],
      [
        {
          name: 'ok',
          image: 'ubuntu-desktop',
          size: 'small',
          owner: 'component:default/x',
        },
        /owner: 'component:default\/x' is not a user or group/,
      ],
      ['not an object', /Invalid desktop order/],
    ])(
      'refuses bad input %j with 400 before any cluster call',
      async (body, message) => {
        const res = await api()
          .post('/api/workspaces/workspaces')
          .set(as(ALICE))
          .send(body as any)
          .expect(400);
        expect(res.body.error.message).toMatch(message);
        expect(provider.calls).toEqual([]);
      },
    );

    it('refuses an owner the caller may not act for', async () => {
      const res = await api()
        .post('/api/workspaces/workspaces')
        .set(as(BOB))
        .send(order('bob-for-team', { owner: 'group:default/team-a' }))
        .expect(403);
      expect(res.body.error.message).toMatch(
        /only order desktops for yourself or a group you belong to/,
      );
      expect(provider.calls).toEqual([]);
    });

    it('enforces the quota per owner', async () => {
      await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('a1'))
        .expect(201);
      await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('a2'))
        .expect(201);
      const res = await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('a3'))
        .expect(403);
      expect(res.body.error.message).toMatch(
        /Quota reached: 'user:default\/alice' holds 2 of 2/,
      );
      expect(provider.calls.filter(c => c.op === 'create')).toHaveLength(2);
    });

    it('answers 409 for a name in use, and leaves the first desktop alone', async () => {
      await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('dup'))
        .expect(201);
      const res = await api()
        .post('/api/workspaces/workspaces')
        .set(as(CAROL))
        .send(order('dup'))
        .expect(409);
      expect(res.body.error.message).toMatch(/already exists/);
      expect(provider.machines.has('dup')).toBe(true);
      expect(provider.calls.filter(c => c.op === 'create')).toHaveLength(1);
    });

    it('leaves nothing behind when the provider fails to create', async () => {
      provider.failNext.create = new ServiceUnavailableError(
        'cluster timed out',
      );
      const res = await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('broken'))
        .expect(503);
      expect(res.body.error.message).toMatch(/cluster timed out/);
      expect(provider.calls.map(c => c.op)).toEqual(['create', 'delete']);
      const list = await api()
        .get('/api/workspaces/workspaces')
        .set(as(ADMIN))
        .expect(200);
      expect(list.body).toEqual([]);
      // The name is free again.
      await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('broken'))
        .expect(201);
    });

    it('does not delete a machine it did not make when the name is taken on the cluster', async () => {
      provider.machines.set('foreign', {
        name: 'foreign',
        cluster: 'test',
        status: { phase: 'Running', ready: true },
      });
      await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send(order('foreign'))
        .expect(409);
      expect(provider.machines.has('foreign')).toBe(true);
      expect(provider.calls.map(c => c.op)).toEqual(['create']);
    });

    it('validates a dry run without creating anything', async () => {
      const res = await api()
        .post('/api/workspaces/workspaces?dryRun=true')
        .set(as(ALICE))
        .send(order('dry'))
        .expect(200);
      expect(res.body.status.message).toMatch(/Dry run/);
      expect(provider.calls).toEqual([]);
      await api()
        .get('/api/workspaces/workspaces/dry')
        .set(as(ALICE))
        .expect(404);
    });

    it('refuses Windows on a cluster that runs only Linux', async () => {
      await server.stop();
      const knex = await databases.init(databaseId);
      provider = new FakeProvider('test', ['linux']);
      server = await startWorkspacesTestBackend({
        knex,
        providers: [provider],
      });
      const res = await api()
        .post('/api/workspaces/workspaces')
        .set(as(ALICE))
        .send({ name: 'win', image: 'windows-11', size: 'large' })
        .expect(400);
      expect(res.body.error.message).toMatch(
        /Windows desktops need the KubeVirt provider/,
      );
      expect(provider.calls).toEqual([]);
    });

    // Who may do what: anonymous, the owner, someone else, a member of the
    // owning group and an admin, on every route. Refusals never reach the cluster.
    const matrix: Array<[string, string | undefined, string, number, number]> =
      [
        // [route, caller, desktop, expected status, cluster calls expected]
        ['get', undefined, 'alice-desk', 401, 0],
        ['get', ALICE, 'alice-desk', 200, 1],
        ['get', BOB, 'alice-desk', 404, 0],
        ['get', CAROL, 'alice-desk', 404, 0],
        ['get', CAROL, 'team-desk', 200, 1],
        ['get', ADMIN, 'alice-desk', 200, 1],
        ['start', undefined, 'alice-desk', 401, 0],
        ['start', ALICE, 'alice-desk', 200, 2],
        ['start', BOB, 'alice-desk', 404, 0],
        ['start', CAROL, 'team-desk', 200, 2],
        ['start', ADMIN, 'alice-desk', 200, 2],
        ['stop', BOB, 'alice-desk', 404, 0],
        ['stop', ALICE, 'alice-desk', 200, 2],
        ['restart', CAROL, 'alice-desk', 404, 0],
        ['restart', CAROL, 'team-desk', 200, 2],
        ['delete', undefined, 'alice-desk', 401, 0],
        ['delete', BOB, 'alice-desk', 404, 0],
        ['delete', CAROL, 'alice-desk', 404, 0],
        ['delete', CAROL, 'team-desk', 204, 1],
        ['delete', ALICE, 'alice-desk', 204, 1],
        ['delete', ADMIN, 'alice-desk', 204, 1],
        ['audit', undefined, 'alice-desk', 401, 0],
        ['audit', BOB, 'alice-desk', 404, 0],
        ['audit', ALICE, 'alice-desk', 200, 0],
        ['create', undefined, 'new-desk', 401, 0],
        ['create', BOB, 'new-desk', 201, 1],
      ];

    it.each(matrix)(
      '%s by %s on %s answers %i',
      async (route, caller, name, status, calls) => {
        await seed();
        const base = `/api/workspaces/workspaces/${name}`;
        const headers = as(caller);
        const req = {
          get: () => api().get(base),
          audit: () => api().get(`${base}/audit`),
          start: () => api().post(`${base}/start`),
          stop: () => api().post(`${base}/stop`),
          restart: () => api().post(`${base}/restart`),
          delete: () => api().delete(base),
          create: () =>
            api().post('/api/workspaces/workspaces').send(order(name)),
        }[route]!();
        await req.set(headers).expect(status);
        expect(provider.calls).toHaveLength(calls);
      },
    );

    it('lists only what the caller may see, and filters by owner', async () => {
      await seed();
      const names = async (user: string, qs = '') =>
        (
          await api()
            .get(`/api/workspaces/workspaces${qs}`)
            .set(as(user))
            .expect(200)
        ).body.map((w: any) => w.name);
      expect(await names(ALICE)).toEqual(['alice-desk', 'team-desk']);
      expect(await names(CAROL)).toEqual(['team-desk']);
      expect(await names(BOB)).toEqual([]);
      expect(await names(ADMIN)).toEqual(['alice-desk', 'team-desk']);
      expect(await names(ADMIN, '?owner=group:default/team-a')).toEqual([
        'team-desk',
      ]);
      await api().get('/api/workspaces/workspaces').set(as()).expect(401);
    });

    it('reports live status and an unreachable cluster without losing records', async () => {
      await seed();
      await api()
        .post('/api/workspaces/workspaces/alice-desk/start')
        .set(as(ALICE))
        .expect(200);
      let res = await api()
        .get('/api/workspaces/workspaces/alice-desk')
        .set(as(ALICE))
        .expect(200);
      expect(res.body.status).toEqual({ phase: 'Running', ready: true });
      provider.unreachable = true;
      res = await api()
        .get('/api/workspaces/workspaces')
        .set(as(ALICE))
        .expect(200);
      expect(res.body).toHaveLength(2);
      expect(res.body[0].status).toMatchObject({
        phase: 'Unknown',
        message: expect.stringMatching(/could not be reached/),
      });
      const start = await api()
        .post('/api/workspaces/workspaces/alice-desk/start')
        .set(as(ALICE))
        .expect(503);
      expect(start.body.error.message).toMatch(/unreachable/);
    });

    it('keeps the record when the machine cannot be deleted', async () => {
      await seed();
      provider.failNext.delete = new ServiceUnavailableError('cluster down');
      await api()
        .delete('/api/workspaces/workspaces/alice-desk')
        .set(as(ALICE))
        .expect(503);
      await api()
        .get('/api/workspaces/workspaces/alice-desk')
        .set(as(ALICE))
        .expect(200);
      await api()
        .delete('/api/workspaces/workspaces/alice-desk')
        .set(as(ALICE))
        .expect(204);
      await api()
        .get('/api/workspaces/workspaces/alice-desk')
        .set(as(ALICE))
        .expect(404);
      expect(server.published.map(e => (e.eventPayload as any).type)).toContain(
        'deleted',
      );
    });

    it('serves the flavors people may order', async () => {
      const res = await api()
        .get('/api/workspaces/flavors')
        .set(as(BOB))
        .expect(200);
      expect(res.body.images.map((i: any) => i.name)).toEqual([
        'ubuntu-desktop',
        'windows-11',
      ]);
      expect(res.body.images[0]).not.toHaveProperty('dataSource');
      expect(res.body.sizes.map((s: any) => s.name)).toEqual([
        'small',
        'large',
      ]);
      expect(res.body.clusters).toEqual([
        { name: 'test', provider: 'fake', os: ['linux', 'windows'] },
      ]);
      expect(res.body.limits.maxPerOwner).toBe(2);
      await api().get('/api/workspaces/flavors').set(as()).expect(401);
    });

    it('serves metrics to services only', async () => {
      await api().get('/api/workspaces/metrics').set(as(ALICE)).expect(403);
      const res = await api()
        .get('/api/workspaces/metrics')
        .set({ Authorization: mockCredentials.service.header() })
        .expect(200);
      expect(res.text).toMatch(/desktopmania_console_sessions_active 0/);
    });
  },
);
