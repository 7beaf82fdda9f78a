import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { setupHousekeeping } from '../__testUtils__/housekeepingSetup';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Extending counts from the later of the expiry and the real clock, so the
// controllable clock starts at the next whole hour of the real one.
const NOW = new Date(Math.ceil(Date.now() / HOUR) * HOUR);
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('Housekeeping notifications', () => {
  it('warns 24 hours and 1 hour before expiry, each once, linking to the Extend menu', async () => {
    const { housekeeping, desktop, sent } = await setupHousekeeping(databases);
    const expiresAt = at(30 * HOUR);
    await desktop('desk', { now: NOW, expiresAt, running: true });

    await housekeeping.run(NOW);
    expect(sent).toEqual([]);

    for (const t of [6 * HOUR, 6 * HOUR + MINUTE, 20 * HOUR]) {
      await housekeeping.run(at(t));
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual({
      recipients: { type: 'entity', entityRef: 'user:default/alice' },
      payload: expect.objectContaining({
        title: 'Desktop desk expires in 24 hours',
        link: '/catalog/default/workspace/desk',
        severity: 'normal',
        scope: 'workspaces:desk:expiry',
      }),
    });
    expect(sent[0].payload.description).toContain('Extend');

    for (const t of [29 * HOUR, 29 * HOUR + 30 * MINUTE, 30 * HOUR - MINUTE]) {
      await housekeeping.run(at(t));
    }
    expect(sent.map(s => s.payload.title)).toEqual([
      'Desktop desk expires in 24 hours',
      'Desktop desk expires in 1 hour',
    ]);
    expect(sent[1].payload.severity).toBe('high');
  });

  it('sends no 1-hour warning for an expiry that Extend moved away', async () => {
    const { housekeeping, desktop, sent, service } = await setupHousekeeping(
      databases,
    );
    await desktop('desk', {
      now: NOW,
      expiresAt: at(20 * HOUR),
      running: true,
    });
    await housekeeping.run(NOW);
    expect(sent.map(s => s.payload.title)).toEqual([
      'Desktop desk expires in 24 hours',
    ]);

    await service.extend(mockCredentials.user('user:default/alice'), 'desk', {
      hours: 48,
    });
    await housekeeping.run(at(19 * HOUR + 30 * MINUTE));
    expect(sent).toHaveLength(1);
    // The new expiry gets its own warnings when they are due.
    await housekeeping.run(at(67 * HOUR));
    expect(sent.map(s => s.payload.title)).toEqual([
      'Desktop desk expires in 24 hours',
      'Desktop desk expires in 1 hour',
    ]);
  });

  it('tells the owner of an idle stop once', async () => {
    const { housekeeping, desktop, sent, provider } = await setupHousekeeping(
      databases,
      { idleStopAfter: { hours: 2 } },
    );
    await desktop('idle', {
      now: NOW,
      lastActivityAt: at(-3 * HOUR),
      running: true,
    });
    await housekeeping.run(NOW);
    await housekeeping.run(at(MINUTE));
    expect(provider.calls.filter(c => c.op === 'stop')).toHaveLength(1);
    expect(sent).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'Desktop idle was stopped: idle',
        }),
      }),
    ]);
  });

  it('tells the owner a desktop failed, with the reason, once per start attempt', async () => {
    const { housekeeping, desktop, sent, provider, store } =
      await setupHousekeeping(databases);
    await desktop('broken', { now: NOW, running: true });
    provider.machines.get('broken')!.status = {
      phase: 'Failed',
      ready: false,
      message: 'ErrImagePull: the image could not be pulled',
    };
    await housekeeping.run(NOW);
    await housekeeping.run(at(MINUTE));
    expect(sent).toHaveLength(1);
    expect(sent[0].payload).toMatchObject({
      title: 'Desktop broken failed to start',
      description: 'ErrImagePull: the image could not be pulled',
      severity: 'high',
    });
    // Someone tries again (a start touches the record) and it fails again.
    await store.touch('broken', at(2 * MINUTE));
    await housekeeping.run(at(3 * MINUTE));
    expect(sent).toHaveLength(2);
  });

  it('addresses a group-owned desktop to the group, which reaches its members', async () => {
    const { housekeeping, desktop, sent } = await setupHousekeeping(databases);
    await desktop('team-desk', {
      now: NOW,
      owner: 'group:default/team-a',
      expiresAt: at(30 * MINUTE),
      running: true,
    });
    await housekeeping.run(NOW);
    expect(sent.map(s => s.recipients)).toEqual([
      { type: 'entity', entityRef: 'group:default/team-a' },
    ]);
  });

  it('tries again on the next run when sending failed, and carries on housekeeping', async () => {
    const { housekeeping, desktop, sent, notifications, provider } =
      await setupHousekeeping(databases, { idleStopAfter: { hours: 1 } });
    await desktop('desk', {
      now: NOW,
      expiresAt: at(10 * HOUR),
      lastActivityAt: at(-2 * HOUR),
      running: true,
    });
    notifications.failNext = true;
    await housekeeping.run(NOW);
    expect(provider.calls.filter(c => c.op === 'stop')).toHaveLength(1);
    expect(sent.map(s => s.payload.title)).toEqual([
      'Desktop desk was stopped: idle',
    ]);
    await housekeeping.run(at(MINUTE));
    expect(sent.map(s => s.payload.title)).toEqual([
      'Desktop desk was stopped: idle',
      'Desktop desk expires in 24 hours',
    ]);
  });
});
