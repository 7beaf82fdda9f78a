import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { encodeConsoleTokenProtocol } from '@desktop-mania/plugin-workspaces-common';
import knexFactory, { type Knex } from 'knex';
import WebSocket from 'ws';
import {
  killFaultBackends,
  startFaultBackend,
  waitFor,
  type FaultBackend,
  type FaultBackendOptions,
} from '../__testUtils__/faultProcess';

// A backend killed with SIGKILL mid-work, then started again: what it left
// half done must be settled without anyone's help. Real processes, a SQLite
// file that outlives them, and machines in a file, as a cluster's would be.
jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const order = (name: string) => ({
  name,
  image: 'ubuntu-desktop',
  size: 'small',
});

describe('recovery after the backend is killed', () => {
  let dir: string;
  let options: FaultBackendOptions;
  let db: Knex;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workspaces-faults-'));
    options = {
      database: {
        client: 'better-sqlite3',
        connection: { filename: path.join(dir, 'workspaces.sqlite') },
        useNullAsDefault: true,
      },
      machinesFile: path.join(dir, 'machines.json'),
      maxPerOwner: 5,
    };
    db = knexFactory(options.database);
  });

  afterEach(async () => {
    await killFaultBackends();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterAll(killFaultBackends);

  const record = async (name: string) =>
    db('workspaces').where({ name }).first();
  const machines = () =>
    fs.existsSync(options.machinesFile)
      ? JSON.parse(fs.readFileSync(options.machinesFile, 'utf8'))
      : {};

  it('finishes or rolls back creates and deletes cut short by a kill', async () => {
    let backend: FaultBackend = await startFaultBackend(options);
    expect(
      (await backend.call('POST', '/workspaces', ALICE, order('gone-1')))
        .status,
    ).toBe(201);

    // Two orders and a delete, each in its provider's two seconds when the
    // process dies. kept-1's machine exists by then; lost-1's never will.
    const cut = [
      backend.call('POST', '/workspaces', ALICE, order('kept-1')),
      backend.call('POST', '/workspaces', ALICE, order('lost-1')),
      backend.call('DELETE', '/workspaces/gone-1', ALICE),
    ].map(p => p.catch(() => 'cut'));
    await waitFor(async () => {
      const [kept, lost, gone] = await Promise.all(
        ['kept-1', 'lost-1', 'gone-1'].map(record),
      );
      return kept?.state === 'creating' &&
        lost?.state === 'creating' &&
        gone?.state === 'deleting' &&
        machines()['kept-1']
        ? true
        : undefined;
    }, 'both orders and the delete to be under way');
    await backend.kill();
    expect(await Promise.all(cut)).toEqual(['cut', 'cut', 'cut']);

    backend = await startFaultBackend(options);
    await waitFor(async () => {
      const [kept, lost, gone] = await Promise.all(
        ['kept-1', 'lost-1', 'gone-1'].map(record),
      );
      return kept?.state === 'active' && !lost && !gone ? true : undefined;
    }, 'reconciliation at startup');

    const settled = await db('workspace_audit')
      .where({ actor: 'system:workspaces-recovery' })
      .orderBy('workspace')
      .select('workspace', 'action', 'outcome', 'message');
    expect(settled).toEqual([
      {
        workspace: 'gone-1',
        action: 'delete',
        outcome: 'succeeded',
        message: 'finished after a restart',
      },
      {
        workspace: 'kept-1',
        action: 'create',
        outcome: 'succeeded',
        message: 'finished after a restart',
      },
      {
        workspace: 'lost-1',
        action: 'create',
        outcome: 'failed',
        message:
          'rolled back after a restart: the provider has no such desktop',
      },
    ]);
    console.log(`records reconciled: ${settled.length}`);
    expect(Object.keys(machines()).sort()).toEqual(['kept-1']);
    // Events come over IPC, which may trail what the database shows.
    const announced = () =>
      backend.events.map(e => {
        const { type, workspace } = e.eventPayload as any;
        return `${type} ${workspace.name}`;
      });
    await waitFor(
      async () => (announced().length >= 2 ? true : undefined),
      'the announcements',
    );
    expect(announced().sort()).toEqual(['created kept-1', 'deleted gone-1']);
    await waitFor(
      async () =>
        /Reconciled 3 desktop records left creating or deleting and ended 0 console sessions/.test(
          backend.output(),
        ) || undefined,
      'the reconciliation log line',
    );
    // The rolled-back order no longer counts: the name is free again.
    expect(
      (await backend.call('POST', '/workspaces', ALICE, order('lost-1')))
        .status,
    ).toBe(201);
  });

  it('ends a console session that was open when the backend was killed', async () => {
    let backend = await startFaultBackend(options);
    expect(
      (await backend.call('POST', '/workspaces', ALICE, order('desk-1')))
        .status,
    ).toBe(201);
    const socket = new WebSocket(
      `ws://localhost:${backend.port}/api/workspaces/workspaces/desk-1/console`,
      ['binary', encodeConsoleTokenProtocol(mockCredentials.user.token(ALICE))],
      { origin: 'http://localhost:3000' },
    );
    socket.on('error', () => {});
    const closed = new Promise(resolve => socket.once('close', resolve));
    await waitFor(
      async () =>
        (await db('console_sessions').whereNull('ended_at').first()) ||
        undefined,
      'the console session to be recorded',
    );
    await backend.kill();
    await closed;

    backend = await startFaultBackend(options);
    const session = await waitFor(
      async () =>
        (await db('console_sessions').whereNotNull('ended_at').first()) ||
        undefined,
      'the orphaned session to be ended',
    );
    expect(session).toMatchObject({
      workspace: 'desk-1',
      actor: ALICE,
      close_code: 1012,
      close_reason: 'the portal restarted',
    });
    console.log(
      `console session after the restart: closed ${session.close_code} ${session.close_reason}`,
    );
    const audit = await backend.call('GET', '/workspaces/desk-1/audit', ALICE);
    expect(audit.body[0]).toMatchObject({
      action: 'console',
      outcome: 'failed',
      actor: ALICE,
      message: expect.stringMatching(/closed 1012 the portal restarted$/),
    });
  });
});
