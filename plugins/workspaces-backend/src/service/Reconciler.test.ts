import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import type { Knex } from 'knex';
import {
  WorkspaceStore,
  type WorkspaceRecord,
} from '../database/WorkspaceStore';
import { createTestService } from '../__testUtils__/testService';
import { readWorkspacesConfig } from './WorkspacesConfig';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const ALICE = 'user:default/alice';
const MINUTE = 60_000;

describe.each(databases.eachSupportedId())('Reconciler on %s', databaseId => {
  let knex: Knex;
  let store: WorkspaceStore;
  let provider: FakeProvider;
  let changed: string[];

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    store = await WorkspaceStore.create({
      database: mockServices.database({ knex }),
    });
    provider = new FakeProvider();
  });

  /** A service as a freshly started process has it. */
  function startService() {
    const started = createTestService({
      store,
      provider,
      config: readWorkspacesConfig(
        new ConfigReader({
          workspaces: {
            images: [{ name: 'ubuntu', os: 'linux' }],
            sizes: [{ name: 'small' }],
            lifecycle: { reconcileAfter: { minutes: 2 } },
          },
        }),
      ),
    });
    changed = started.changed;
    return started.service;
  }

  async function seed(
    name: string,
    state: WorkspaceRecord['state'],
    machine?: { owner?: string },
    at = new Date(Date.now() - 1000),
  ) {
    await store.reserve(
      {
        name,
        cluster: 'test',
        provider: 'fake',
        os: 'linux',
        image: 'ubuntu',
        size: 'small',
        diskGi: 20,
        owner: ALICE,
        createdBy: ALICE,
        state,
        createdAt: at,
        lastActivityAt: at,
      },
      100,
    );
    if (machine) {
      provider.machines.set(name, {
        name,
        cluster: 'test',
        owner: machine.owner ?? ALICE,
        status: { phase: 'Running', ready: true },
      });
    }
  }

  const history = async (name: string) =>
    (await store.auditLog(name)).map(
      e => `${e.action} ${e.outcome}${e.message ? `: ${e.message}` : ''}`,
    );

  it('settles at startup what an earlier process left, however recent', async () => {
    await seed('kept', 'creating', {});
    await seed('lost', 'creating');
    await seed('taken', 'creating', { owner: 'user:default/bob' });
    await seed('gone', 'deleting', {});
    await seed('fine', 'active', {});
    const service = startService();

    expect(await service.reconcile()).toEqual({
      records: 4,
      sessions: 0,
      failed: 0,
    });

    expect((await store.get('kept'))?.state).toBe('active');
    expect(await history('kept')).toEqual([
      'create succeeded: finished after a restart',
    ]);
    expect(await store.get('lost')).toBeUndefined();
    expect(await history('lost')).toEqual([
      'create failed: rolled back after a restart: the provider has no such desktop',
    ]);
    // Bob's machine is not the record's to remove.
    expect(await store.get('taken')).toBeUndefined();
    expect(provider.machines.has('taken')).toBe(true);
    expect(await history('taken')).toEqual([
      'create failed: rolled back after a restart: the name belongs to a desktop of another owner',
    ]);
    expect(await store.get('gone')).toBeUndefined();
    expect(provider.machines.has('gone')).toBe(false);
    expect(await history('gone')).toEqual([
      'delete succeeded: finished after a restart',
    ]);
    expect((await store.get('fine'))?.state).toBe('active');
    expect(changed.sort()).toEqual(['created:kept', 'deleted:gone']);
  });

  it('leaves recent work of this process to it, and settles it once abandoned', async () => {
    const service = startService();
    const later = (minutes: number) => new Date(Date.now() + minutes * MINUTE);
    await seed('young', 'creating', {}, new Date());

    expect((await service.reconcile(later(1))).records).toBe(0);
    expect((await store.get('young'))?.state).toBe('creating');

    expect((await service.reconcile(later(3))).records).toBe(1);
    expect((await store.get('young'))?.state).toBe('active');
  });

  it('never touches a create this process is still making', async () => {
    const service = startService();
    let release = () => {};
    const create = provider.create.bind(provider);
    provider.create = async spec => {
      await new Promise<void>(resolve => (release = resolve));
      return create(spec);
    };
    const ordered = service.create(mockCredentials.user(ALICE), {
      name: 'slow',
      image: 'ubuntu',
      size: 'small',
    });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect((await store.get('slow'))?.state).toBe('creating');

    expect(
      await service.reconcile(new Date(Date.now() + 60 * MINUTE)),
    ).toMatchObject({ records: 0 });
    expect(await store.get('slow')).toBeDefined();

    release();
    await ordered;
    expect((await store.get('slow'))?.state).toBe('active');
    expect(await history('slow')).toEqual(['create succeeded']);
  });

  it('settles each record once when two processes reconcile at once', async () => {
    await seed('kept', 'creating', {});
    await seed('gone', 'deleting', {});
    const [a, b] = [startService(), startService()];
    const results = await Promise.all([a.reconcile(), b.reconcile()]);
    expect(results[0].records + results[1].records).toBe(2);
    expect(await history('kept')).toHaveLength(1);
    expect(await history('gone')).toHaveLength(1);
  });

  describe('when another process restarts during a create here', () => {
    /** A create on process A that waits, before or after its machine exists. */
    async function createOnA(machineFirst: boolean) {
      const a = startService();
      let release = () => {};
      const gate = new Promise<void>(resolve => (release = resolve));
      const create = provider.create.bind(provider);
      provider.create = async spec => {
        if (!machineFirst) await gate;
        const machine = await create(spec);
        if (machineFirst) await gate;
        return machine;
      };
      const ordered = a.create(mockCredentials.user(ALICE), {
        name: 'raced',
        image: 'ubuntu',
        size: 'small',
      });
      await new Promise(resolve => setTimeout(resolve, 50));
      // Process B starts after the order was recorded.
      await new Promise(resolve => setTimeout(resolve, 5));
      return { ordered, release, b: startService() };
    }

    it('finishes it once when the machine exists', async () => {
      const { ordered, release, b } = await createOnA(true);
      expect((await b.reconcile()).records).toBe(1);
      release();
      await expect(ordered).resolves.toMatchObject({ name: 'raced' });
      expect((await store.get('raced'))?.state).toBe('active');
      expect(await history('raced')).toEqual([
        'create succeeded: finished after a restart',
      ]);
    });

    it('leaves neither record nor machine when it was rolled back', async () => {
      const { ordered, release, b } = await createOnA(false);
      expect((await b.reconcile()).records).toBe(1);
      release();
      await expect(ordered).rejects.toThrow(
        "The order of 'raced' was rolled back while it was being made, by a backend process that restarted; order it again",
      );
      expect(await store.get('raced')).toBeUndefined();
      expect(provider.machines.has('raced')).toBe(false);
    });
  });

  it('leaves a record for the next pass when its cluster does not answer', async () => {
    await seed('kept', 'creating', {});
    const service = startService();
    provider.unreachable = true;
    expect(await service.reconcile()).toEqual({
      records: 0,
      sessions: 0,
      failed: 1,
    });
    expect((await store.get('kept'))?.state).toBe('creating');
    provider.unreachable = false;
    expect((await service.reconcile()).records).toBe(1);
  });

  it('ends console sessions an earlier process opened, and only those', async () => {
    await seed('desk', 'active', {});
    const orphan = await store.startConsoleSession('desk', ALICE);
    await new Promise(resolve => setTimeout(resolve, 5));
    const service = startService();
    const live = await store.startConsoleSession('desk', ALICE);

    expect((await service.reconcile()).sessions).toBe(1);

    const rows = await knex('console_sessions').orderBy('id');
    expect(rows.map(r => [Number(r.id), r.close_code, r.close_reason])).toEqual(
      [
        [orphan, 1012, 'the portal restarted'],
        [live, null, null],
      ],
    );
    expect(await history('desk')).toEqual([
      expect.stringMatching(
        /^console failed: opened .+, closed 1012 the portal restarted$/,
      ),
    ]);
    expect((await service.reconcile()).sessions).toBe(0);
  });

  it("leaves other replicas' leased sessions open and ends those whose lease ran out", async () => {
    await seed('desk', 'active', {});
    const elsewhere = await store.startConsoleSession('desk', ALICE);
    const crashed = await store.startConsoleSession('desk', ALICE);
    await new Promise(resolve => setTimeout(resolve, 5));
    const service = startService();
    // Opened after this process started, on a replica that then stopped.
    const late = await store.startConsoleSession('desk', ALICE);
    const soon = new Date(Date.now() + 30_000);
    const gone = new Date(Date.now() - 1_000);
    await knex('console_sessions')
      .where({ id: elsewhere })
      .update({ lease_expires_at: soon });
    await knex('console_sessions')
      .whereIn('id', [crashed, late])
      .update({ lease_expires_at: gone });

    expect((await service.reconcile()).sessions).toBe(2);
    const open = await knex('console_sessions')
      .whereNull('ended_at')
      .pluck('id');
    expect(open.map(Number)).toEqual([elsewhere]);
  });
});
