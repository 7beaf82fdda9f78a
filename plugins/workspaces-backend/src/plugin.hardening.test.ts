import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import type { Knex } from 'knex';
import { startWorkspacesTestBackend } from './__testUtils__/testBackend';

// Requests that race each other, and orders built to hurt.
jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const ALICE = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};
const order = (extra: object = {}) => ({
  name: 'alice-desk',
  image: 'ubuntu-desktop',
  size: 'small',
  ...extra,
});

describe.each(databases.eachSupportedId())(
  'workspaces backend under hostile requests on %s',
  databaseId => {
    let knex: Knex;
    let provider: FakeProvider;
    let backend: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      provider = new FakeProvider();
      backend = await startWorkspacesTestBackend({
        knex,
        providers: [provider],
      });
    });

    afterEach(async () => {
      await backend.stop();
    });

    const api = () => request(backend.server);

    /** Makes the provider take its time, so requests overlap. */
    function slow(op: 'create' | 'delete') {
      const original = provider[op].bind(provider) as (a: any) => any;
      (provider as any)[op] = async (arg: any) => {
        await new Promise(resolve => setTimeout(resolve, 300));
        return original(arg);
      };
    }

    it('deletes and audits once when two deletes arrive together', async () => {
      await api()
        .post('/api/workspaces/workspaces')
        .set(ALICE)
        .send(order())
        .expect(201);
      slow('delete');
      const answers = await Promise.all([
        api().delete('/api/workspaces/workspaces/alice-desk').set(ALICE),
        api().delete('/api/workspaces/workspaces/alice-desk').set(ALICE),
      ]);
      expect(answers.map(a => a.status).sort()).toEqual([204, 409]);
      expect(answers.find(a => a.status === 409)?.body.error).toMatchObject({
        name: 'ConflictError',
        message: "The desktop 'alice-desk' is already being deleted",
      });
      expect(provider.calls.filter(c => c.op === 'delete')).toHaveLength(1);
      const audited = await knex('workspace_audit').where({
        workspace: 'alice-desk',
        action: 'delete',
      });
      expect(audited).toHaveLength(1);
      expect(
        backend.published.filter(
          e => (e.eventPayload as any).type === 'deleted',
        ),
      ).toHaveLength(1);
    });

    it('refuses to delete a desktop that is still being created', async () => {
      slow('create');
      const ordered = api()
        .post('/api/workspaces/workspaces')
        .set(ALICE)
        .send(order());
      const created = ordered.then(res => res.status);
      await new Promise(resolve => setTimeout(resolve, 100));
      const refused = await api()
        .delete('/api/workspaces/workspaces/alice-desk')
        .set(ALICE)
        .expect(409);
      expect(refused.body.error.message).toBe(
        "The desktop 'alice-desk' is still being created",
      );
      expect(await created).toBe(201);
    });

    it.each([
      ['system', 'x'.repeat(60_000), 'system must be at most 255 characters'],
      [
        'template',
        '<script>alert(1)</script>',
        "template must be an entity ref such as 'template:default/name'",
      ],
      ['owner', '<script>', "owner must be an entity ref such as 'user"],
      ['image', 'x'.repeat(60_000), 'image must be at most 63 characters'],
    ])(
      'refuses a hostile %s with 400 and one line naming it',
      async (field, value, message) => {
        const res = await api()
          .post('/api/workspaces/workspaces')
          .set(ALICE)
          .send(order({ [field]: value }))
          .expect(400);
        const text: string = res.body.error.message;
        expect(text).toContain(`Invalid desktop order: ${field}: ${message}`);
        expect(text).not.toContain('\n');
        expect(text.length).toBeLessThan(300);
        expect(provider.calls).toEqual([]);
      },
    );
  },
);
