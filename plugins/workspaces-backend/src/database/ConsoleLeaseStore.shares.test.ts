import { CONSOLE_CLOSE_CODES } from '@desktop-mania/plugin-workspaces-common';
import type { Knex } from 'knex';
import { ConsoleLeaseStore } from './ConsoleLeaseStore';
import { storeDatabases } from './__testUtils__/storeDatabases';

jest.setTimeout(60_000);

const databases = storeDatabases();
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CAROL = 'user:default/carol';
const LEASE_MS = 30_000;

// Sessions let in by shares: who is present, and revocation by share.
describe.each(databases.ids)('ConsoleLeaseStore shares on %s', databaseId => {
  let knex: Knex;
  let now: Date;
  let store: ConsoleLeaseStore;

  beforeAll(async () => {
    ({ knex } = await databases.open(databaseId));
  });

  beforeEach(async () => {
    await knex('console_sessions').delete();
    now = new Date('2026-12-05T12:00:00Z');
    store = new ConsoleLeaseStore(knex, LEASE_MS, () => now);
  });

  async function open(
    actor: string,
    holder: string,
    access?: Parameters<ConsoleLeaseStore['reserve']>[0]['access'],
  ) {
    const seat = await store.reserve({
      workspace: 'desk',
      actor,
      holder,
      max: 4,
      access,
    });
    if (!seat.ok) throw new Error('no seat');
    return seat.id;
  }
  const inAnHour = () => new Date(now.getTime() + 3600_000);

  it('lists who is present and how, once per person and mode', async () => {
    await open(ALICE, 'a');
    await open(ALICE, 'b');
    await open(BOB, 'b', {
      mode: 'view',
      share: { grantee: BOB, expiresAt: inAnHour() },
    });
    expect((await store.presenceOf(['desk', 'empty'])).get('desk')).toEqual([
      { user: ALICE, mode: 'control' },
      { user: BOB, mode: 'view' },
    ]);
  });

  it("revokes only the sessions a grantee's share let in, with a forbidden close", async () => {
    const owner = await open(ALICE, 'a');
    const bob = await open(BOB, 'b', {
      mode: 'control',
      share: { grantee: 'group:default/Team-A', expiresAt: inAnHour() },
    });
    const carol = await open(CAROL, 'b', {
      mode: 'view',
      share: { grantee: CAROL, expiresAt: inAnHour() },
    });
    expect(
      await store.revokeShare({
        workspace: 'desk',
        grantee: 'group:default/team-a',
        reason: 'Your access to this desktop was revoked',
        code: CONSOLE_CLOSE_CODES.forbidden,
      }),
    ).toBe(1);
    expect(await store.renew('b', [bob, carol])).toEqual([bob]);
    expect(await store.renew('a', [owner])).toEqual([]);
    expect(await store.revokedOf('b', [bob])).toEqual([
      {
        id: bob,
        reason: 'Your access to this desktop was revoked',
        code: CONSOLE_CLOSE_CODES.forbidden,
      },
    ]);
    // A change to view-only revokes control sessions, not views.
    expect(
      await store.revokeShare({
        workspace: 'desk',
        grantee: CAROL,
        reason: 'now view-only',
        code: CONSOLE_CLOSE_CODES.forbidden,
        modes: ['control'],
      }),
    ).toBe(0);
  });

  it('ends a session when the share that let it in ends', async () => {
    const bob = await open(BOB, 'b', {
      mode: 'view',
      share: { grantee: BOB, expiresAt: inAnHour() },
    });
    now = new Date(now.getTime() + 10_000);
    expect(await store.renew('b', [bob])).toEqual([]);
    await store.setShareExpiry('desk', BOB, new Date(now.getTime() + 5_000));
    now = new Date(now.getTime() + 5_000);
    expect(await store.renew('b', [bob])).toEqual([bob]);
    expect(await store.revokedOf('b', [bob])).toEqual([
      {
        id: bob,
        reason: 'Your share of this desktop ended',
        code: CONSOLE_CLOSE_CODES.forbidden,
      },
    ]);
  });
});
