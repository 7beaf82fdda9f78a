import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { NotImplementedError } from '@backstage/errors';
import request from 'supertest';
import type { WorkspaceRef } from '@desktop-mania/plugin-workspaces-node';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { startWorkspacesTestBackend } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const HOUR = 3600_000;

/** A cluster that measures its desktops; a stopped one uses nothing. */
class MeasuringProvider extends FakeProvider {
  notConfigured = false;
  async usage(ref: WorkspaceRef) {
    if (this.notConfigured) {
      throw new NotImplementedError('No Prometheus is configured');
    }
    if (this.machines.get(ref.name)?.status.phase === 'Stopped') {
      return undefined;
    }
    return {
      cpuCores: 0.25,
      memoryBytes: 512 * 2 ** 20,
      memoryLimitBytes: 4 * 2 ** 30,
      diskBytes: 3 * 2 ** 30,
      diskLimitBytes: 30 * 2 ** 30,
      at: '2026-11-29T22:00:00.000Z',
    };
  }
}

describe.each(databases.eachSupportedId())(
  'extending and measuring desktops on %s',
  databaseId => {
    let measuring: MeasuringProvider;
    let server: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;

    beforeEach(async () => {
      measuring = new MeasuringProvider('test');
      server = await startWorkspacesTestBackend({
        knex: await databases.init(databaseId),
        providers: [measuring, new FakeProvider('plain')],
      });
    });
    afterEach(() => server.stop());

    const api = () => request(server.server);
    const as = (user: string) => ({
      Authorization: mockCredentials.user.header(user),
    });
    const order = async (name: string, extra: object = {}) =>
      (
        await api()
          .post('/api/workspaces/workspaces')
          .set(as(ALICE))
          .send({ name, image: 'ubuntu-desktop', size: 'small', ...extra })
          .expect(201)
      ).body;

    it('moves the expiry later, audits it and announces the change', async () => {
      const ordered = await order('alice-desk', { lifetimeHours: 4 });
      server.published.length = 0;
      const res = await api()
        .post('/api/workspaces/workspaces/alice-desk/extend')
        .set(as(ALICE))
        .send({ hours: 24 })
        .expect(200);
      expect(
        Date.parse(res.body.expiresAt) - Date.parse(ordered.expiresAt),
      ).toBe(24 * HOUR);
      const again = await api()
        .get('/api/workspaces/workspaces/alice-desk')
        .set(as(ALICE))
        .expect(200);
      expect(again.body.expiresAt).toBe(res.body.expiresAt);
      expect(server.published).toEqual([
        expect.objectContaining({
          eventPayload: expect.objectContaining({
            type: 'changed',
            workspace: expect.objectContaining({
              name: 'alice-desk',
              expiresAt: res.body.expiresAt,
            }),
          }),
        }),
      ]);
      const audit = await api()
        .get('/api/workspaces/workspaces/alice-desk/audit')
        .set(as(ALICE))
        .expect(200);
      expect(audit.body[0]).toMatchObject({
        action: 'extend',
        outcome: 'succeeded',
        actor: ALICE,
        message: `expires ${res.body.expiresAt
          .slice(0, 16)
          .replace('T', ' ')} UTC`,
      });
    });

    it('refuses to go past the longest lifetime after the order, in one line', async () => {
      const ordered = await order('alice-desk', { lifetimeHours: 8 });
      // The test config allows 48 hours: 8 + 40 fits, 8 + 41 does not.
      const limit = new Date(Date.parse(ordered.createdAt) + 48 * HOUR);
      const res = await api()
        .post('/api/workspaces/workspaces/alice-desk/extend')
        .set(as(ALICE))
        .send({ hours: 41 })
        .expect(400);
      expect(res.body.error.message).toBe(
        `Cannot extend past 2 days after the order (${limit
          .toISOString()
          .slice(0, 16)
          .replace('T', ' ')} UTC)`,
      );
      expect(res.body.error.message).not.toMatch(/\n/);
      await api()
        .post('/api/workspaces/workspaces/alice-desk/extend')
        .set(as(ALICE))
        .send({ hours: 40 })
        .expect(200);
      await api()
        .post('/api/workspaces/workspaces/alice-desk/extend')
        .set(as(ALICE))
        .send({ hours: 'a lot' })
        .expect(400);
      const audit = await api()
        .get('/api/workspaces/workspaces/alice-desk/audit')
        .set(as(ALICE));
      expect(audit.body.map((e: any) => e.action)).toEqual([
        'extend',
        'create',
      ]);
    });

    it('hides another person’s desktop from extending and measuring', async () => {
      const ordered = await order('alice-desk');
      await api()
        .post('/api/workspaces/workspaces/alice-desk/extend')
        .set(as(BOB))
        .send({ hours: 4 })
        .expect(404);
      await api()
        .get('/api/workspaces/workspaces/alice-desk/usage')
        .set(as(BOB))
        .expect(404);
      await api()
        .post('/api/workspaces/workspaces/alice-desk/extend')
        .set({ Authorization: mockCredentials.none.header() })
        .send({ hours: 4 })
        .expect(401);
      const after = await api()
        .get('/api/workspaces/workspaces/alice-desk')
        .set(as(ALICE));
      expect(after.body.expiresAt).toBe(ordered.expiresAt);
    });

    it('answers what a desktop uses, and why not when it cannot', async () => {
      await order('alice-desk');
      await order('plain-desk', { cluster: 'plain' });
      const measured = await api()
        .get('/api/workspaces/workspaces/alice-desk/usage')
        .set(as(ALICE))
        .expect(200);
      expect(measured.body).toEqual({
        available: true,
        cpuCores: 0.25,
        memoryBytes: 512 * 2 ** 20,
        memoryLimitBytes: 4 * 2 ** 30,
        diskBytes: 3 * 2 ** 30,
        diskLimitBytes: 30 * 2 ** 30,
        at: '2026-11-29T22:00:00.000Z',
      });

      const plain = await api()
        .get('/api/workspaces/workspaces/plain-desk/usage')
        .set(as(ALICE))
        .expect(200);
      expect(plain.body).toEqual({
        available: false,
        reason: 'The fake provider does not measure what desktops use',
      });

      await api()
        .post('/api/workspaces/workspaces/alice-desk/stop')
        .set(as(ALICE))
        .expect(200);
      const stopped = await api()
        .get('/api/workspaces/workspaces/alice-desk/usage')
        .set(as(ALICE))
        .expect(200);
      expect(stopped.body).toEqual({
        available: false,
        reason: 'The desktop is not running',
      });

      measuring.notConfigured = true;
      const unconfigured = await api()
        .get('/api/workspaces/workspaces/alice-desk/usage')
        .set(as(ALICE))
        .expect(200);
      expect(unconfigured.body).toEqual({
        available: false,
        reason: 'No Prometheus is configured',
      });
    });
  },
);
