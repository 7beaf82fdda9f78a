import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { CONSOLE_CLOSE_CODES } from '@desktop-mania/plugin-workspaces-common';
import type { Knex } from 'knex';
import { ConsoleLeaseStore } from '../database/ConsoleLeaseStore';
import { WorkspaceStore } from '../database/WorkspaceStore';
import { SessionLeases } from './SessionLeases';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const ALICE = 'user:default/alice';

describe.each(databases.eachSupportedId())('SessionLeases on %s', id => {
  let knex: Knex;
  let now: Date;

  beforeAll(async () => {
    knex = await databases.init(id);
    await WorkspaceStore.create({ database: mockServices.database({ knex }) });
  });

  /** One replica's leases; the clock is shared and moved by the test. */
  const replica = () =>
    new SessionLeases({
      store: new ConsoleLeaseStore(knex, 30_000, () => now),
      logger: mockServices.logger.mock(),
      heartbeatMs: 60_000,
    });

  beforeEach(async () => {
    await knex('console_sessions').delete();
    now = new Date('2026-12-04T12:00:00Z');
  });

  it('closes a viewer on one replica when another takes the desktop over', async () => {
    const a = replica();
    const b = replica();
    const held = await a.reserve('desk', ALICE, 4);
    const taker = await b.reserve('desk', ALICE, 4);
    if (!held.ok || !taker.ok) throw new Error('no seat');
    const close = jest.fn();
    a.track(held.id, 'desk', close);

    await a.beat();
    expect(close).not.toHaveBeenCalled();
    expect(await b.revokeOthers('desk', taker.id)).toBe(1);
    await a.beat();
    expect(close).toHaveBeenCalledWith(
      CONSOLE_CLOSE_CODES.inUse,
      'Another session took over this console',
    );
    // The taker's replica counts the one session left, on its next beat.
    b.track(taker.id, 'desk', jest.fn());
    expect(b.viewersOf('desk')).toBeUndefined();
    await b.beat();
    expect(b.viewersOf('desk')).toBe(1);
    a.stop();
    b.stop();
  });

  it('keeps a seat alive past its lease while the replica beats', async () => {
    const a = replica();
    const seat = await a.reserve('desk', ALICE, 1);
    if (!seat.ok) throw new Error('no seat');
    const close = jest.fn();
    a.track(seat.id, 'desk', close);
    for (let i = 0; i < 5; i++) {
      now = new Date(now.getTime() + 20_000);
      await a.beat();
    }
    expect(close).not.toHaveBeenCalled();
    expect(await replica().reserve('desk', ALICE, 1)).toEqual({
      ok: false,
      held: 1,
    });
    await a.release(seat.id);
    expect((await replica().reserve('desk', ALICE, 1)).ok).toBe(true);
  });

  it('closes a session whose lease ran out while the database was away', async () => {
    const a = replica();
    const seat = await a.reserve('desk', ALICE, 1);
    if (!seat.ok) throw new Error('no seat');
    const close = jest.fn();
    a.track(seat.id, 'desk', close);
    now = new Date(now.getTime() + 31_000);
    await a.beat();
    expect(close).toHaveBeenCalledWith(
      1012,
      'The console lost its seat; open it again',
    );
  });
});
