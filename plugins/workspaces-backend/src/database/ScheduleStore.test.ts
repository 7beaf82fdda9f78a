import type { TestDatabaseId } from '@backstage/backend-test-utils';
import { NotificationLedger } from './NotificationLedger';
import { ScheduleStore } from './ScheduleStore';
import {
  storeDatabases,
  workspaceRecord,
} from './__testUtils__/storeDatabases';

jest.setTimeout(60_000);

const databases = storeDatabases();
const AT = new Date('2026-11-30T07:00:00.000Z');

async function setup(databaseId: TestDatabaseId) {
  const { knex, workspaces: store } = await databases.open(databaseId);
  for (const name of ['desk', 'other']) {
    await store.reserve(workspaceRecord(name, 'user:default/alice', AT), 10);
  }
  return {
    store,
    schedules: new ScheduleStore(knex),
    ledger: new NotificationLedger(knex),
  };
}

describe.each(databases.ids)('schedules and ledger on %s', id => {
  it('stores, replaces and removes working hours', async () => {
    const { schedules } = await setup(id);
    expect(await schedules.get('desk')).toBeUndefined();
    await schedules.set(
      'desk',
      { timeZone: 'Europe/Berlin', days: ['mon', 'fri'], start: '08:00' },
      'user:default/alice',
      AT,
    );
    expect(await schedules.get('desk')).toEqual({
      timeZone: 'Europe/Berlin',
      days: ['mon', 'fri'],
      start: '08:00',
      stop: undefined,
      updatedAt: AT.toISOString(),
      updatedBy: 'user:default/alice',
    });
    const later = new Date(AT.getTime() + 60_000);
    await schedules.set(
      'desk',
      { timeZone: 'UTC', days: ['sun'], stop: '19:30' },
      'user:default/carol',
      later,
    );
    expect(await schedules.get('desk')).toMatchObject({
      timeZone: 'UTC',
      days: ['sun'],
      start: undefined,
      stop: '19:30',
      updatedAt: later.toISOString(),
      updatedBy: 'user:default/carol',
    });
    expect([...(await schedules.all()).keys()]).toEqual(['desk']);
    expect(await schedules.remove('desk')).toBe(true);
    expect(await schedules.remove('desk')).toBe(false);
    expect(await schedules.get('desk')).toBeUndefined();
  });

  it('claims a moment once, gives it back, and forgets deleted desktops', async () => {
    const { ledger, schedules, store } = await setup(id);
    const moment = '2026-12-01T07:00:00.000Z';
    expect(await ledger.claim('desk', 'expiry-1h', moment, AT)).toBe(true);
    expect(await ledger.claim('desk', 'expiry-1h', moment, AT)).toBe(false);
    // Another kind, moment or desktop is another claim.
    expect(await ledger.claim('desk', 'expiry-24h', moment, AT)).toBe(true);
    expect(await ledger.claim('other', 'expiry-1h', moment, AT)).toBe(true);
    await ledger.release('desk', 'expiry-1h', moment);
    expect(await ledger.has('desk', 'expiry-1h', moment)).toBe(false);
    expect(await ledger.claim('desk', 'expiry-1h', moment, AT)).toBe(true);

    await schedules.set(
      'other',
      { timeZone: 'UTC', days: ['mon'], start: '08:00' },
      'user:default/alice',
      AT,
    );
    await store.remove('other');
    await ledger.removeOrphans();
    await schedules.removeOrphans();
    expect(await ledger.has('other', 'expiry-1h', moment)).toBe(false);
    expect(await ledger.has('desk', 'expiry-1h', moment)).toBe(true);
    expect(await schedules.get('other')).toBeUndefined();
  });

  it('lets only one of many simultaneous claims win', async () => {
    const { ledger } = await setup(id);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        ledger.claim('desk', 'schedule-start', 'm', AT),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
