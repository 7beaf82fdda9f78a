import fs from 'fs';
import os from 'os';
import path from 'path';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  encodeRecordingFrame,
  RECORDING_MAGIC,
  workspaceRecordingReadPermission,
} from '@desktop-mania/plugin-workspaces-common';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import type { Knex } from 'knex';
import request from 'supertest';
import { authAs, orderDesktops } from '../__testUtils__/routeTests';
import {
  startWorkspacesTestBackend,
  WORKSPACES_TEST_CONFIG,
} from '../__testUtils__/testBackend';
import { ConsoleRecordingStore } from '../database/ConsoleRecordingStore';
import { WorkspaceAuthorizer } from './WorkspaceAuthorizer';

jest.setTimeout(30_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const ADMIN = 'user:default/admin';
const ID = '0b0e9a43-1a8c-4f64-9d0e-6a8f7c2b1d00';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('recording routes', () => {
  let backend: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  let knex: Knex;
  let dir: string;
  const api = () => request(backend.server);
  const file = Buffer.concat([
    RECORDING_MAGIC,
    encodeRecordingFrame(0, Buffer.from('RFB 003.008\n')),
  ]);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recording-routes-'));
    knex = await databases.init('SQLITE_3');
    backend = await startWorkspacesTestBackend({
      knex,
      providers: [new FakeProvider()],
      config: {
        ...WORKSPACES_TEST_CONFIG,
        workspaces: {
          ...WORKSPACES_TEST_CONFIG.workspaces,
          recording: { images: ['ubuntu-desktop'], dir },
        },
      },
    });
    await orderDesktops(api, ALICE, [['alice-desk', 'test']]);
    await new ConsoleRecordingStore(knex).add({
      id: ID,
      workspace: 'alice-desk',
      owner: ALICE,
      actor: ALICE,
      startedAt: new Date('2026-12-06T10:00:00Z'),
    });
    fs.writeFileSync(path.join(dir, `${ID}.dmrec`), file);
  });

  afterEach(async () => {
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const routes = [
    '/api/workspaces/workspaces/alice-desk/recordings',
    `/api/workspaces/recordings/${ID}`,
    `/api/workspaces/recordings/${ID}/content`,
  ];

  it.each([ALICE, ADMIN])(
    'lets %s list, read and fetch recordings',
    async user => {
      const list = await api().get(routes[0]).set(authAs(user)).expect(200);
      const summary = {
        id: ID,
        workspace: 'alice-desk',
        actor: ALICE,
        startedAt: '2026-12-06T10:00:00.000Z',
        bytes: 0,
        truncated: false,
      };
      expect(list.body).toEqual({ items: [summary] });
      const one = await api().get(routes[1]).set(authAs(user)).expect(200);
      expect(one.body).toEqual(summary);
      const content = await api()
        .get(routes[2])
        .set(authAs(user))
        .buffer(true)
        .parse((res, done) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => done(null, Buffer.concat(parts)));
        })
        .expect(200)
        .expect('Content-Type', 'application/octet-stream');
      expect(Buffer.compare(content.body, file)).toBe(0);
    },
  );

  it.each(routes)(
    'answers 404 to others and 401 to nobody: %s',
    async route => {
      const res = await api().get(route).set(authAs(BOB)).expect(404);
      expect(res.body.error.message).toMatch(
        /^No (desktop named 'alice-desk'|recording '[-0-9a-f]+')$/,
      );
      await api().get(route).set(authAs()).expect(401);
    },
  );

  it.each(routes)(
    'answers 403 to a reader the policy denies recordings: %s',
    async route => {
      const isAllowed = WorkspaceAuthorizer.prototype.isAllowed;
      const spy = jest
        .spyOn(WorkspaceAuthorizer.prototype, 'isAllowed')
        .mockImplementation(function noRecordings(
          this: WorkspaceAuthorizer,
          ...args
        ) {
          if (args[0] === workspaceRecordingReadPermission)
            return Promise.resolve(false);
          return isAllowed.apply(this, args);
        });
      try {
        const res = await api().get(route).set(authAs(ALICE)).expect(403);
        expect(res.body.error.message).toBe(
          "You may not watch recordings of the desktop 'alice-desk'",
        );
      } finally {
        spy.mockRestore();
      }
    },
  );

  it('answers 404 to an id that is not one, without touching the disk', async () => {
    const res = await api()
      .get('/api/workspaces/recordings/..%2F..%2Fetc%2Fpasswd/content')
      .set(authAs(ADMIN))
      .expect(404);
    expect(res.body.error.message).toBe("No recording '../../etc/passwd'");
  });

  it("keeps a deleted desktop's recordings to its owner then and admins, not a namesake's owner", async () => {
    await api()
      .delete('/api/workspaces/workspaces/alice-desk')
      .set(authAs(ALICE))
      .expect(204);
    await orderDesktops(api, BOB, [['alice-desk', 'test']]);
    const bobs = await api().get(routes[0]).set(authAs(BOB)).expect(200);
    expect(bobs.body.items).toEqual([]);
    await api().get(routes[1]).set(authAs(BOB)).expect(404);
    await api().get(routes[2]).set(authAs(BOB)).expect(404);
    await api().get(routes[1]).set(authAs(ALICE)).expect(200);
    await api().get(routes[2]).set(authAs(ADMIN)).expect(200);
  });
});
