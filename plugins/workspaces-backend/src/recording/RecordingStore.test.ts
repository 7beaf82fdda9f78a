import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConsoleRecordingStore } from '../database/ConsoleRecordingStore';
import { storeDatabases } from '../database/__testUtils__/storeDatabases';
import { RecordingStore } from './RecordingStore';

const databases = storeDatabases();
jest.setTimeout(30_000);
const id = (n: number) =>
  `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

// Two replicas on one volume and one database, as the Kubernetes
// deployment runs them: neither may take room the other has filled.
describe.each(databases.ids)('RecordingStore replicas on %s', databaseId => {
  let dir: string;
  let rows: ConsoleRecordingStore;
  let a: RecordingStore;
  let b: RecordingStore;

  beforeAll(async () => {
    const { workspaces } = await databases.open(databaseId);
    rows = workspaces.sharing(db => new ConsoleRecordingStore(db));
  }, 60_000);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recording-replicas-'));
    await rows.remove(
      (await rows.startedBefore(new Date(8e15))).map(r => r.id),
    );
    const replica = () =>
      new RecordingStore({
        dir,
        maxTotalBytes: 1000,
        logger: mockServices.logger.mock(),
        usage: rows,
        // The tests say when a replica syncs.
        syncMs: 3600_000,
      });
    a = replica();
    b = replica();
    await a.refresh();
    await b.refresh();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Replica `files` records `bytes` into recording `n`, its row open. */
  async function record(files: RecordingStore, n: number, bytes: number) {
    const handle = await files.create(id(n));
    await rows.add({
      id: id(n),
      workspace: 'desk',
      owner: 'user:default/alice',
      actor: 'user:default/alice',
      startedAt: new Date(),
    });
    expect(files.reserve(bytes)).toBe(true);
    await handle.write(Buffer.alloc(bytes));
    files.wrote(id(n), bytes);
    return handle;
  }

  it("counts the bytes another replica's open recording wrote", async () => {
    const handle = await record(a, 1, 600);
    await a.sync();
    await b.sync();
    expect(b.usedBytes).toBe(600);
    expect(b.reserve(500)).toBe(false);
    expect(b.reserve(400)).toBe(true);
    expect(a.usedBytes).toBe(600);
    await handle.close();
  });

  it('counts finished recordings once, and frees their room when their rows go', async () => {
    const handle = await record(a, 1, 600);
    await handle.close();
    await rows.finish(id(1), {
      endedAt: new Date(),
      durationMs: 10,
      bytes: 600,
      truncated: false,
    });
    a.closed(id(1), 600);
    expect(a.usedBytes).toBe(600);
    await Promise.all([a.sync(), b.sync()]);
    expect([a.usedBytes, b.usedBytes]).toEqual([600, 600]);
    expect(b.refusal()).toBeUndefined();
    expect(b.reserve(401)).toBe(false);

    await a.remove(id(1));
    await rows.remove([id(1)]);
    await b.sync();
    expect(b.usedBytes).toBe(0);
  });

  it('refuses new recordings once the replicas together fill the store', async () => {
    const first = await record(a, 1, 500);
    const second = await record(b, 2, 500);
    await Promise.all([a.sync(), b.sync()]);
    await Promise.all([a.sync(), b.sync()]);
    expect(a.refusal()).toBe(
      'the recording store is full (1000 of 1000 bytes)',
    );
    expect(b.reserve(1)).toBe(false);
    await Promise.all([first.close(), second.close()]);
  });

  it('counts files no row names as the folder holds them', async () => {
    fs.writeFileSync(path.join(dir, `${id(9)}.dmrec`), Buffer.alloc(300));
    await record(a, 1, 200).then(h => h.close());
    await a.sync();
    await b.refresh();
    expect(b.usedBytes).toBe(500);
    const removed = await b.removeStrays(
      new Date(Date.now() + 60_000),
      async n => (await rows.get(n)) !== undefined,
    );
    expect(removed).toBe(1);
    expect(b.usedBytes).toBe(200);
  });

  it('keeps counting its own writes while the database cannot be read', async () => {
    const handle = await record(a, 1, 300);
    jest.spyOn(rows, 'usedBytes').mockRejectedValueOnce(new Error('down'));
    await expect(a.sync()).rejects.toThrow('down');
    expect(a.usedBytes).toBe(300);
    await a.sync();
    expect(a.usedBytes).toBe(300);
    await handle.close();
  });
});
