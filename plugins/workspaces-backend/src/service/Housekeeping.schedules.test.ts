import { TestDatabases } from '@backstage/backend-test-utils';
import { setupHousekeeping } from '../__testUtils__/housekeepingSetup';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const HOUR = 3600_000;
// Monday 30 November 2026; Berlin is at UTC+1, so 08:00 there is 07:00Z.
const iso = (time: string, date = '2026-11-30') => new Date(`${date}T${time}Z`);
const WORKING_HOURS = {
  timeZone: 'Europe/Berlin',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const,
  start: '08:00',
  stop: '19:00',
};

async function setup(lifecycle: object = {}) {
  const env = await setupHousekeeping(databases, lifecycle);
  const schedule = (name: string, setAt: Date) =>
    env.schedules.set(
      name,
      { ...WORKING_HOURS, days: [...WORKING_HOURS.days] },
      'user:default/alice',
      setAt,
    );
  const ops = (op: string) =>
    env.provider.calls.filter(c => c.op === op).map(c => c.name);
  const phase = (name: string) => env.provider.machines.get(name)!.status.phase;
  return { ...env, schedule, ops, phase };
}

describe('Housekeeping with working hours', () => {
  it('starts at the start time and stops at the stop time, only at the transition', async () => {
    const { housekeeping, desktop, schedule, ops, provider, store, phase } =
      await setup();
    const expiresAt = iso('12:00', '2026-12-20');
    await desktop('desk', { now: iso('06:00'), expiresAt, running: false });
    await schedule('desk', iso('12:00', '2026-11-29'));
    provider.calls.length = 0;

    await housekeeping.run(iso('06:59'));
    expect(ops('start')).toEqual([]);
    await housekeeping.run(iso('07:00'));
    await housekeeping.run(iso('07:01'));
    expect(ops('start')).toEqual(['desk']);
    expect(phase('desk')).toBe('Running');
    expect((await store.auditLog('desk'))[0]).toMatchObject({
      action: 'start',
      outcome: 'succeeded',
      message: 'working hours began',
      actor: 'system:workspaces-housekeeping',
    });

    // Stopped by hand during the day: the schedule does not start it again.
    await provider.stop({ name: 'desk', cluster: 'test' });
    await housekeeping.run(iso('10:00'));
    expect(ops('start')).toEqual(['desk']);
    await provider.start({ name: 'desk', cluster: 'test' });
    provider.calls.length = 0;

    await housekeeping.run(iso('18:00'));
    expect(ops('stop')).toEqual(['desk']);
    expect((await store.auditLog('desk'))[0]).toMatchObject({
      action: 'stop',
      message: 'working hours ended',
    });

    // Started again at 21:00 in Berlin: kept until the next stop time.
    await provider.start({ name: 'desk', cluster: 'test' });
    provider.calls.length = 0;
    await housekeeping.run(iso('20:00'));
    await housekeeping.run(iso('20:30'));
    await housekeeping.run(iso('06:00', '2026-12-01'));
    // Tuesday's start finds it running and leaves it so.
    await housekeeping.run(iso('07:00', '2026-12-01'));
    expect(provider.calls.filter(c => c.op !== 'list')).toEqual([]);
    await housekeeping.run(iso('18:00', '2026-12-01'));
    expect(ops('stop')).toEqual(['desk']);
  });

  it('never starts an expired desktop', async () => {
    const { housekeeping, desktop, schedule, ops } = await setup();
    await desktop('old', {
      now: iso('06:00'),
      expiresAt: iso('06:30'),
      running: false,
    });
    await schedule('old', iso('12:00', '2026-11-29'));
    await housekeeping.run(iso('07:00'));
    expect(ops('start')).toEqual([]);
  });

  it('does not act on a moment from before the schedule was set, nor one long past', async () => {
    const { housekeeping, desktop, schedule, ops } = await setup();
    await desktop('late', { now: iso('06:00'), running: true });
    await desktop('down', { now: iso('06:00'), running: false });
    // Set at 20:30 in Berlin, after that day's stop time.
    await schedule('late', iso('19:30'));
    await schedule('down', iso('12:00', '2026-11-29'));
    await housekeeping.run(iso('19:31'));
    expect(ops('stop')).toEqual([]);
    // The backend was down at 08:00 and comes back at 10:30.
    await housekeeping.run(iso('09:30'));
    expect(ops('start')).toEqual([]);
  });

  it('counts a scheduled start as use, so no idle stop follows it', async () => {
    const { housekeeping, desktop, schedule, ops } = await setup({
      idleStopAfter: { hours: 2 },
    });
    await desktop('desk', {
      now: iso('06:00'),
      lastActivityAt: new Date(iso('06:00').getTime() - 48 * HOUR),
      running: false,
    });
    await schedule('desk', iso('12:00', '2026-11-29'));
    await housekeeping.run(iso('07:00'));
    await housekeeping.run(iso('07:05'));
    expect(ops('start')).toEqual(['desk']);
    expect(ops('stop')).toEqual([]);
  });

  it('tells the owner when a scheduled start fails, and audits it', async () => {
    const { housekeeping, desktop, schedule, provider, sent, store } =
      await setup();
    await desktop('desk', { now: iso('06:00'), running: false });
    await schedule('desk', iso('12:00', '2026-11-29'));
    provider.failNext.start = new Error('0/3 nodes have enough memory');
    await housekeeping.run(iso('07:00'));
    await housekeeping.run(iso('07:01'));
    expect(sent.map(s => s.payload)).toEqual([
      expect.objectContaining({
        title: 'Desktop desk failed to start',
        description: '0/3 nodes have enough memory',
      }),
    ]);
    expect((await store.auditLog('desk'))[0]).toMatchObject({
      action: 'start',
      outcome: 'failed',
      message: 'working hours began: 0/3 nodes have enough memory',
    });
  });

  it('forgets the schedule of a deleted desktop', async () => {
    const { housekeeping, desktop, schedule, schedules, store } = await setup();
    await desktop('gone', { now: iso('06:00'), running: false });
    await schedule('gone', iso('12:00', '2026-11-29'));
    await store.remove('gone');
    await housekeeping.run(iso('06:30'));
    expect(await schedules.get('gone')).toBeUndefined();
  });
});
