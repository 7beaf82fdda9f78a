import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { createTestService } from '../__testUtils__/testService';
import { WorkspaceStore } from '../database/WorkspaceStore';
import { Housekeeping } from './Housekeeping';
import { WorkspaceMetrics } from './WorkspaceMetrics';
import { readWorkspacesConfig } from './WorkspacesConfig';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const HOUR = 3600_000;
const NOW = new Date('2026-11-24T12:00:00Z');

async function setup(lifecycle: object) {
  const knex = await databases.init('SQLITE_3');
  const store = await WorkspaceStore.create({
    database: mockServices.database({ knex }),
  });
  const provider = new FakeProvider();
  const config = readWorkspacesConfig(
    new ConfigReader({ workspaces: { lifecycle } }),
  );
  const { service, changed } = createTestService({ store, provider, config });
  const metrics = new WorkspaceMetrics();
  const housekeeping = new Housekeeping({
    service,
    config,
    metrics,
    logger: mockServices.logger.mock(),
  });
  async function desktop(
    name: string,
    opts: {
      expiresAt?: Date;
      lastActivityAt: Date;
      running: boolean;
      state?: 'creating' | 'active' | 'deleting';
    },
  ) {
    await store.reserve(
      {
        name,
        cluster: 'test',
        provider: 'fake',
        os: 'linux',
        image: 'i',
        size: 's',
        diskGi: 20,
        owner: 'user:default/alice',
        createdBy: 'user:default/alice',
        state: opts.state ?? 'active',
        createdAt: new Date(NOW.getTime() - 48 * HOUR),
        expiresAt: opts.expiresAt,
        lastActivityAt: opts.lastActivityAt,
      },
      100,
    );
    provider.machines.set(name, {
      name,
      cluster: 'test',
      status: opts.running
        ? { phase: 'Running', ready: true }
        : { phase: 'Stopped', ready: false },
    });
  }
  return { store, provider, housekeeping, desktop, changed, metrics };
}

describe('Housekeeping', () => {
  it('stops desktops idle past the configured time and those past their lifetime, and logs why', async () => {
    const { store, provider, housekeeping, desktop, changed, metrics } =
      await setup({ idleStopAfter: { hours: 8 }, expiryAction: 'stop' });
    await desktop('idle', {
      lastActivityAt: new Date(NOW.getTime() - 9 * HOUR),
      running: true,
    });
    await desktop('busy', {
      lastActivityAt: new Date(NOW.getTime() - 1 * HOUR),
      running: true,
    });
    await desktop('expired', {
      lastActivityAt: NOW,
      expiresAt: new Date(NOW.getTime() - HOUR),
      running: true,
    });
    await desktop('expired-stopped', {
      lastActivityAt: NOW,
      expiresAt: new Date(NOW.getTime() - HOUR),
      running: false,
    });
    provider.calls.length = 0;

    await housekeeping.run(NOW);

    expect(
      provider.calls
        .filter(c => c.op === 'stop')
        .map(c => c.name)
        .sort(),
    ).toEqual(['expired', 'idle']);
    expect(changed.sort()).toEqual(['changed:expired', 'changed:idle']);
    expect((await store.auditLog('idle'))[0]).toMatchObject({
      action: 'stop',
      outcome: 'succeeded',
      message: 'idle past the configured time',
      actor: 'system:workspaces-housekeeping',
    });
    expect((await store.auditLog('expired'))[0]).toMatchObject({
      action: 'stop',
      message: 'lifetime ended',
    });
    expect(await store.auditLog('busy')).toEqual([]);
    expect(
      await metrics.registry.getSingleMetricAsString('desktopmania_workspaces'),
    ).toMatch(
      /desktopmania_workspaces\{cluster="test",phase="Running"\} 3\ndesktopmania_workspaces\{cluster="test",phase="Stopped"\} 1/,
    );
  });

  it('deletes expired desktops when told to', async () => {
    const { store, provider, housekeeping, desktop, changed } = await setup({
      expiryAction: 'delete',
    });
    await desktop('expired', {
      lastActivityAt: NOW,
      expiresAt: new Date(NOW.getTime() - HOUR),
      running: false,
    });
    await desktop('fresh', {
      lastActivityAt: NOW,
      expiresAt: new Date(NOW.getTime() + HOUR),
      running: true,
    });
    await housekeeping.run(NOW);
    expect(provider.machines.has('expired')).toBe(false);
    expect(await store.get('expired')).toBeUndefined();
    expect(await store.get('fresh')).toBeDefined();
    expect(changed).toEqual(['deleted:expired']);
  });

  it('stops an expired desktop that is still starting or failed, and leaves a stopped one alone', async () => {
    const { provider, housekeeping, desktop, changed } = await setup({
      expiryAction: 'stop',
    });
    const expired = { lastActivityAt: NOW, expiresAt: NOW, running: true };
    await desktop('stuck', expired);
    await desktop('broken', expired);
    await desktop('halted', expired);
    provider.machines.get('stuck')!.status = {
      phase: 'Starting',
      ready: false,
      message: '0/2 nodes are available: insufficient memory',
    };
    // KubeVirt's Paused (an I/O error) reads as Failed but holds its node.
    provider.machines.get('broken')!.status = {
      phase: 'Failed',
      ready: false,
      message: 'Paused, so it does not respond.',
    };
    provider.machines.get('halted')!.status = {
      phase: 'Stopped',
      ready: false,
    };
    provider.calls.length = 0;

    await housekeeping.run(NOW);

    expect(
      provider.calls
        .filter(c => c.op === 'stop')
        .map(c => c.name)
        .sort(),
    ).toEqual(['broken', 'stuck']);
    expect([...changed].sort()).toEqual(['changed:broken', 'changed:stuck']);
  });

  it('settles a create that was left unfinished, then looks after it', async () => {
    const { store, housekeeping, desktop, changed } = await setup({
      expiryAction: 'delete',
    });
    await desktop('orphan', {
      lastActivityAt: NOW,
      expiresAt: new Date(NOW.getTime() - HOUR),
      running: true,
      state: 'creating',
    });
    await housekeeping.run(NOW);
    expect((await store.auditLog('orphan')).map(e => e.message)).toEqual([
      undefined,
      'finished after a restart',
    ]);
    expect(changed).toEqual(['created:orphan', 'deleted:orphan']);
  });

  it('records a failure and carries on with the next desktop', async () => {
    const { store, provider, housekeeping, desktop } = await setup({
      idleStopAfter: { hours: 1 },
    });
    await desktop('a', {
      lastActivityAt: new Date(NOW.getTime() - 2 * HOUR),
      running: true,
    });
    await desktop('b', {
      lastActivityAt: new Date(NOW.getTime() - 2 * HOUR),
      running: true,
    });
    provider.failNext.stop = new Error('cluster said no');
    await housekeeping.run(NOW);
    const outcomes = [
      ...(await store.auditLog('a')),
      ...(await store.auditLog('b')),
    ]
      .map(e => e.outcome)
      .sort();
    expect(outcomes).toEqual(['failed', 'succeeded']);
  });
});
