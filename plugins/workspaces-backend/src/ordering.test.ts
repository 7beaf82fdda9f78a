import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { startWorkspacesTestBackend } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'GET /ordering on %s',
  databaseId => {
    let server: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;

    beforeEach(async () => {
      server = await startWorkspacesTestBackend({
        knex: await databases.init(databaseId),
        providers: [new FakeProvider()],
      });
    });

    afterEach(async () => {
      await server.stop();
    });

    const as = (user: string) => ({
      Authorization: mockCredentials.user.header(user),
    });
    const order = (user: string, name: string, owner?: string) =>
      request(server.server)
        .post('/api/workspaces/workspaces')
        .set(as(user))
        .send({ name, image: 'ubuntu-desktop', size: 'small', owner })
        .expect(201);

    it('answers the caller and their groups, each with what it holds of the quota', async () => {
      await order('user:default/alice', 'a1');
      await order('user:default/carol', 't1', 'group:default/team-a');
      await order('user:default/alice', 't2', 'group:default/team-a');

      const alice = await request(server.server)
        .get('/api/workspaces/ordering')
        .set(as('user:default/alice'))
        .expect(200);
      expect(alice.body).toEqual({
        owners: [
          { owner: 'user:default/alice', held: 1, max: 2 },
          { owner: 'group:default/team-a', held: 2, max: 2 },
        ],
      });

      // Bob belongs to no group and holds nothing; team-a's desktops are not his.
      const bob = await request(server.server)
        .get('/api/workspaces/ordering')
        .set(as('user:default/bob'))
        .expect(200);
      expect(bob.body).toEqual({
        owners: [{ owner: 'user:default/bob', held: 0, max: 2 }],
      });
    });

    it('is for people only', async () => {
      await request(server.server)
        .get('/api/workspaces/ordering')
        .set({ Authorization: mockCredentials.none.header() })
        .expect(401);
      await request(server.server)
        .get('/api/workspaces/ordering')
        .set({ Authorization: mockCredentials.service.header() })
        .expect(403);
    });
  },
);
