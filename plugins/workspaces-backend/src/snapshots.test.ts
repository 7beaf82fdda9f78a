import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import type {
  ProviderSnapshot,
  WorkspaceRef,
  WorkspaceSnapshots,
} from '@desktop-mania/plugin-workspaces-node';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import request from 'supertest';
import {
  startWorkspacesTestBackend,
  WORKSPACES_TEST_CONFIG,
} from './__testUtils__/testBackend';
import {
  authAs,
  keepLifecycleFromOwners,
  orderDesktops,
} from './__testUtils__/routeTests';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** Snapshots kept in memory; a restore needs the desktop stopped, as on KubeVirt. */
class FakeSnapshots implements WorkspaceSnapshots {
  readonly requiresStopped = { take: false, restore: true };
  readonly held = new Map<string, ProviderSnapshot>();
  restored: string[] = [];
  constructor(private readonly provider: FakeProvider) {}
  async take(ref: WorkspaceRef, snapshot: string) {
    const taken = { ref: `${ref.name}-${snapshot}`, state: 'ready' as const };
    this.held.set(taken.ref, taken);
    return taken;
  }
  async list() {
    return [...this.held.values()];
  }
  async restore(ref: WorkspaceRef, snapshotRef: string) {
    const machine = await this.provider.get(ref);
    if (machine?.status.phase !== 'Stopped') {
      throw new ConflictError('VM must be stopped before restore');
    }
    this.restored.push(snapshotRef);
    return { ref: snapshotRef, state: 'ready' as const };
  }
  async delete(_ref: WorkspaceRef, snapshotRef: string) {
    this.held.delete(snapshotRef);
  }
}

class SnapshottingProvider extends FakeProvider {
  readonly snapshots = new FakeSnapshots(this);
}

describe.each(databases.eachSupportedId())('snapshots on %s', databaseId => {
  let provider: SnapshottingProvider;
  let server: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  const api = () => request(server.server);
  const as = authAs;
  const snapshots = '/api/workspaces/workspaces/alice-desk/snapshots';

  beforeEach(async () => {
    const knex = await databases.init(databaseId);
    provider = new SnapshottingProvider();
    server = await startWorkspacesTestBackend({
      knex,
      providers: [provider, new FakeProvider('vms')],
      config: {
        ...WORKSPACES_TEST_CONFIG,
        workspaces: {
          ...WORKSPACES_TEST_CONFIG.workspaces,
          snapshots: { maxPerWorkspace: 2 },
        },
      },
    });
    await orderDesktops(api, ALICE, [
      ['alice-desk', 'test'],
      ['alice-vm', 'vms'],
    ]);
    await api()
      .post('/api/workspaces/workspaces/alice-desk/start')
      .set(as(ALICE))
      .expect(200);
  });

  afterEach(async () => {
    await server.stop();
  });

  it('takes, lists, keeps, restores and deletes, and audits each', async () => {
    const taken = await api()
      .post(snapshots)
      .set(as(ALICE))
      .send({ name: 'before-upgrade' })
      .expect(201);
    expect(taken.body).toEqual({
      name: 'before-upgrade',
      workspace: 'alice-desk',
      createdBy: ALICE,
      createdAt: expect.any(String),
      state: 'ready',
      keep: false,
    });

    const list = await api().get(snapshots).set(as(ALICE)).expect(200);
    expect(list.body).toMatchObject({
      items: [{ name: 'before-upgrade', state: 'ready' }],
      max: 2,
      supported: true,
      requiresStopped: { take: false, restore: true },
    });

    await api()
      .patch(`${snapshots}/before-upgrade`)
      .set(as(ALICE))
      .send({ keep: true })
      .expect(200)
      .expect(res => expect(res.body.keep).toBe(true));

    const refused = await api()
      .post(`${snapshots}/before-upgrade/restore`)
      .set(as(ALICE))
      .expect(409);
    expect(refused.body.error.message).toBe(
      "Stop the desktop 'alice-desk' first: a snapshot is restored only while it is stopped, and it is Running",
    );

    await api()
      .post('/api/workspaces/workspaces/alice-desk/stop')
      .set(as(ALICE))
      .expect(200);
    await api()
      .post(`${snapshots}/before-upgrade/restore`)
      .set(as(ALICE))
      .expect(200);
    expect(provider.snapshots.restored).toEqual(['alice-desk-before-upgrade']);

    await api()
      .delete(`${snapshots}/before-upgrade`)
      .set(as(ALICE))
      .expect(204);
    expect(provider.snapshots.held.size).toBe(0);

    const audit = await api()
      .get('/api/workspaces/workspaces/alice-desk/audit')
      .set(as(ALICE))
      .expect(200);
    expect(
      audit.body
        .filter((e: { action: string }) => e.action.startsWith('snapshot'))
        .map((e: any) => `${e.action} ${e.outcome} ${e.message}`)
        .reverse(),
    ).toEqual([
      'snapshot succeeded before-upgrade',
      'snapshot-keep succeeded before-upgrade: kept',
      'snapshot-restore succeeded before-upgrade',
      'snapshot-delete succeeded before-upgrade',
    ]);
  });

  it('answers 400 for a bad name or keep, in one line', async () => {
    for (const name of ['Bad Name', '-x', '', 'x'.repeat(41), 7]) {
      const res = await api()
        .post(snapshots)
        .set(as(ALICE))
        .send({ name })
        .expect(400);
      expect(res.body.error.message).toBe(
        "name: expected 1 to 40 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit",
      );
    }
    await api().post(snapshots).set(as(ALICE)).send({ name: 'a' }).expect(201);
    await api()
      .patch(`${snapshots}/a`)
      .set(as(ALICE))
      .send({ keep: 'yes' })
      .expect(400)
      .expect(res =>
        expect(res.body.error.message).toBe('keep: expected true or false'),
      );
  });

  it('answers 404 to another person and for a missing snapshot', async () => {
    await api().post(snapshots).set(as(ALICE)).send({ name: 'a' }).expect(201);
    await api().get(snapshots).set(as(BOB)).expect(404);
    await api().post(snapshots).set(as(BOB)).send({ name: 'b' }).expect(404);
    await api().post(`${snapshots}/a/restore`).set(as(BOB)).expect(404);
    await api().delete(`${snapshots}/a`).set(as(BOB)).expect(404);
    await api()
      .delete(`${snapshots}/nope`)
      .set(as(ALICE))
      .expect(404)
      .expect(res =>
        expect(res.body.error.message).toBe(
          "The desktop 'alice-desk' has no snapshot named 'nope'",
        ),
      );
  });

  it('answers 403 to a reader whom the policy does not let change the desktop', async () => {
    await api().post(snapshots).set(as(ALICE)).send({ name: 'a' }).expect(201);
    const spy = keepLifecycleFromOwners();
    try {
      await api().get(snapshots).set(as(ALICE)).expect(200);
      for (const call of [
        api().post(snapshots).send({ name: 'b' }),
        api().post(`${snapshots}/a/restore`),
        api().patch(`${snapshots}/a`).send({ keep: true }),
        api().delete(`${snapshots}/a`),
      ]) {
        const res = await call.set(as(ALICE)).expect(403);
        expect(res.body.error.message).toBe(
          "You may not lifecycle the desktop 'alice-desk'",
        );
      }
      expect(provider.snapshots.held.size).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('answers 409 at the limit and for a name taken, 501 where the provider takes none', async () => {
    await api().post(snapshots).set(as(ALICE)).send({ name: 'a' }).expect(201);
    await api()
      .post(snapshots)
      .set(as(ALICE))
      .send({ name: 'a' })
      .expect(409)
      .expect(res =>
        expect(res.body.error.message).toBe(
          "The desktop 'alice-desk' already has a snapshot named 'a'",
        ),
      );
    await api().post(snapshots).set(as(ALICE)).send({ name: 'b' }).expect(201);
    await api()
      .post(snapshots)
      .set(as(ALICE))
      .send({ name: 'c' })
      .expect(409)
      .expect(res =>
        expect(res.body.error.message).toBe(
          "The desktop 'alice-desk' holds 2 snapshots, its limit; delete one first",
        ),
      );
    await api()
      .post('/api/workspaces/workspaces/alice-vm/snapshots')
      .set(as(ALICE))
      .send({ name: 'a' })
      .expect(501);
  });

  it('deletes the snapshots with their desktop, except kept ones', async () => {
    await api().post(snapshots).set(as(ALICE)).send({ name: 'a' }).expect(201);
    await api().post(snapshots).set(as(ALICE)).send({ name: 'b' }).expect(201);
    await api()
      .patch(`${snapshots}/b`)
      .set(as(ALICE))
      .send({ keep: true })
      .expect(200);
    await api()
      .delete('/api/workspaces/workspaces/alice-desk')
      .set(as(ALICE))
      .expect(204);
    expect([...provider.snapshots.held.keys()]).toEqual(['alice-desk-b']);
  });
});
