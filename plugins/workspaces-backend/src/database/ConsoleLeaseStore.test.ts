import type { Knex } from 'knex';
import { ConsoleLeaseStore } from './ConsoleLeaseStore';
import { storeDatabases } from './__testUtils__/storeDatabases';

jest.setTimeout(60_000);

const databases = storeDatabases();
const ALICE = 'user:default/alice';
const LEASE_MS = 30_000;

describe.each(databases.ids)('ConsoleLeaseStore on %s', databaseId => {
  let knex: Knex;
  let now: Date;
  let store: ConsoleLeaseStore;

  beforeAll(async () => {
    ({ knex } = await databases.open(databaseId));
  });

  beforeEach(async () => {
    await knex('console_sessions').delete();
    now = new Date('2026-12-04T12:00:00Z');
    store = new ConsoleLeaseStore(knex, LEASE_MS, () => now);
  });

  const reserve = (holder: string, actor = ALICE, workspace = 'desk') =>
    store.reserve({ workspace, actor, holder, max: 4 });

  it('lets twenty parallel opens on two replicas take exactly four seats', async () => {
    // Two stores on the same database, as two replicas would be.
    const other = new ConsoleLeaseStore(knex, LEASE_MS, () => now);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? other : store).reserve({
          workspace: `desk-${i}`,
          actor: ALICE,
          holder: i % 2 ? 'replica-b' : 'replica-a',
          max: 4,
        }),
      ),
    );
    expect(answers.filter(a => a.ok)).toHaveLength(4);
    expect(answers.filter(a => !a.ok)).toEqual(
      Array(16).fill({ ok: false, held: 4 }),
    );
    const rows = await knex('console_sessions').whereNotNull(
      'lease_expires_at',
    );
    expect(rows).toHaveLength(4);
    // A refused open leaves no row behind.
    expect(await knex('console_sessions')).toHaveLength(4);
  });

  it('counts seats per person, whatever the case of their ref', async () => {
    for (let i = 0; i < 4; i++) expect((await reserve('a')).ok).toBe(true);
    expect(await reserve('a', 'user:default/Alice')).toEqual({
      ok: false,
      held: 4,
    });
    expect((await reserve('a', 'user:default/bob')).ok).toBe(true);
  });

  it('frees a released seat at once', async () => {
    const seats = [];
    for (let i = 0; i < 4; i++) seats.push(await reserve('a'));
    const first = seats[0];
    if (!first.ok) throw new Error('no seat');
    await store.release(first.id);
    expect((await reserve('b')).ok).toBe(true);
  });

  it('frees the seats of a replica that stopped renewing after the lease', async () => {
    const seats = [];
    for (let i = 0; i < 4; i++) seats.push(await reserve('crashed'));
    now = new Date(now.getTime() + LEASE_MS - 1);
    expect((await reserve('b')).ok).toBe(false);
    now = new Date(now.getTime() + 2);
    expect((await reserve('b')).ok).toBe(true);
  });

  it('keeps renewed seats and names those no longer held', async () => {
    const a = await reserve('a');
    const b = await reserve('a');
    if (!a.ok || !b.ok) throw new Error('no seat');
    await store.release(b.id);
    now = new Date(now.getTime() + LEASE_MS - 1000);
    expect(await store.renew('a', [a.id, b.id])).toEqual([b.id]);
    now = new Date(now.getTime() + LEASE_MS - 1000);
    expect((await store.viewersOf(['desk'])).get('desk')).toBe(1);
    // Another holder cannot renew a seat it does not hold.
    expect(await store.renew('intruder', [a.id])).toEqual([]);
    now = new Date(now.getTime() + 2000);
    expect(await store.renew('intruder', [a.id])).toEqual([a.id]);
  });

  it('revokes the other sessions of a desktop, with why', async () => {
    const held = await reserve('a');
    const elsewhere = await reserve('b', ALICE, 'other-desk');
    const taker = await reserve('b');
    if (!held.ok || !taker.ok || !elsewhere.ok) throw new Error('no seat');
    expect(await store.revokeOthers('desk', taker.id, 'Taken over')).toBe(1);
    expect(await store.renew('a', [held.id])).toEqual([held.id]);
    expect(await store.revokedOf('a', [held.id])).toEqual([
      { id: held.id, reason: 'Taken over', code: 4409 },
    ]);
    expect(await store.viewersOf(['desk', 'other-desk'])).toEqual(
      new Map([
        ['desk', 1],
        ['other-desk', 1],
      ]),
    );
  });
});
