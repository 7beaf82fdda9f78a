import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConsoleRecordingStore } from '../database/ConsoleRecordingStore';
import { WorkspaceStore } from '../database/WorkspaceStore';
import { Recordings } from './Recordings';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const DAY = 24 * 3600_000;
// Files written now must count as young.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const id = (n: number) =>
  `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('Recordings housekeeping', () => {
  let dir: string;
  let store: WorkspaceStore;
  let rows: ConsoleRecordingStore;
  let recordings: Recordings;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recordings-housekeeping-'));
    const knex = await databases.init('SQLITE_3');
    store = await WorkspaceStore.create({
      database: mockServices.database({ knex }),
    });
    rows = store.sharing(db => new ConsoleRecordingStore(db));
    recordings = new Recordings({
      config: {
        images: ['ubuntu-desktop'],
        ownerGroups: [],
        dir,
        maxBytesPerSession: 1000,
        maxTotalBytes: 10_000,
        retentionMs: 7 * DAY,
      },
      records: rows,
      get: name => store.get(name),
      authorizer: { isAllowed: async () => true },
      logger: mockServices.logger.mock(),
    });
    await recordings.start();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function recording(n: number, startedAt: Date, bytes = 10) {
    const file = path.join(dir, `${id(n)}.dmrec`);
    fs.writeFileSync(file, Buffer.alloc(bytes));
    fs.utimesSync(file, startedAt, startedAt);
    const consoleSessionId = await store.startConsoleSession('desk', 'a');
    await rows.add({
      id: id(n),
      workspace: 'desk',
      owner: 'user:default/alice',
      actor: 'user:default/alice',
      consoleSessionId,
      startedAt,
    });
    await rows.finish(id(n), {
      endedAt: startedAt,
      durationMs: 0,
      bytes,
      truncated: false,
    });
  }

  it('deletes recordings past retention, file and row, and keeps the rest', async () => {
    await recording(1, new Date(NOW.getTime() - 8 * DAY));
    await recording(2, new Date(NOW.getTime() - 6 * DAY));
    expect(await recordings.housekeep(NOW)).toMatchObject({ deleted: 1 });
    expect(await rows.get(id(1))).toBeUndefined();
    expect(await rows.get(id(2))).toBeDefined();
    expect(fs.readdirSync(dir)).toEqual([`${id(2)}.dmrec`]);
  });

  it('deletes old files that no row names', async () => {
    const stray = path.join(dir, `${id(9)}.dmrec`);
    fs.writeFileSync(stray, 'x');
    const old = new Date(NOW.getTime() - 8 * DAY);
    fs.utimesSync(stray, old, old);
    fs.writeFileSync(path.join(dir, `${id(8)}.dmrec`), 'young');
    expect(await recordings.housekeep(NOW)).toMatchObject({ strays: 1 });
    expect(fs.readdirSync(dir)).toEqual([`${id(8)}.dmrec`]);
  });

  it('closes a recording a crash left open, with what its file holds', async () => {
    const startedAt = new Date(NOW.getTime() - 3600_000);
    const crashedAt = new Date(NOW.getTime() - 1800_000);
    const file = path.join(dir, `${id(3)}.dmrec`);
    fs.writeFileSync(file, Buffer.alloc(123));
    fs.utimesSync(file, crashedAt, crashedAt);
    // Its session's seat was never renewed: no lease at all.
    await rows.add({
      id: id(3),
      workspace: 'desk',
      owner: 'user:default/alice',
      actor: 'user:default/alice',
      consoleSessionId: await store.startConsoleSession('desk', 'a'),
      startedAt,
    });
    expect(await recordings.housekeep(NOW)).toMatchObject({ closed: 1 });
    expect(await rows.get(id(3))).toMatchObject({
      endedAt: crashedAt.toISOString(),
      durationMs: 1800_000,
      bytes: 123,
      truncated: true,
    });
    expect(await recordings.housekeep(NOW)).toMatchObject({ closed: 0 });
  });
});
