import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { parseRecording } from '@desktop-mania/plugin-workspaces-common';
import type { ConsoleRecordingStore } from '../database/ConsoleRecordingStore';
import type { RecordingConfig } from './recordingConfig';
import { RecordingStore } from './RecordingStore';
import { SessionRecorder } from './SessionRecorder';

const SESSION = {
  workspace: 'desk',
  owner: 'user:default/alice',
  image: 'ubuntu-desktop',
  actor: 'user:default/alice',
  consoleSessionId: 7,
};

function fakeRows() {
  const rows = new Map<string, any>();
  const store = {
    add: jest.fn(async (r: any) => void rows.set(r.id, { ...r })),
    finish: jest.fn(async (id: string, end: any) =>
      Object.assign(rows.get(id), end),
    ),
    usedBytes: async () =>
      [...rows.values()].reduce((n, r) => n + (r.bytes ?? 0), 0),
    progress: async (id: string, bytes: number) => {
      const row = rows.get(id);
      if (!row || row.endedAt) return false;
      row.bytes = bytes;
      return true;
    },
  };
  return { rows, store: store as unknown as ConsoleRecordingStore };
}

describe('SessionRecorder', () => {
  let dir: string;
  const logger = mockServices.logger.mock();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recordings-'));
    jest.clearAllMocks();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function setup(config: Partial<RecordingConfig> = {}, used = 0) {
    const full: RecordingConfig = {
      images: ['ubuntu-desktop'],
      ownerGroups: [],
      dir,
      maxBytesPerSession: 1024 * 1024,
      maxTotalBytes: 10 * 1024 * 1024,
      retentionMs: 3600_000,
      ...config,
    };
    if (used) fs.writeFileSync(path.join(dir, 'old.dmrec'), Buffer.alloc(used));
    const rows = fakeRows();
    const files = new RecordingStore({ ...full, logger, usage: rows.store });
    await files.refresh();
    const recorder = new SessionRecorder({
      config: full,
      files,
      records: rows.store,
      logger,
    });
    return { recorder, files, rows: rows.rows };
  }

  const file = (id: string) =>
    new Uint8Array(fs.readFileSync(path.join(dir, `${id}.dmrec`)));

  it('writes frames that parse back in order, with times that never go back', async () => {
    const { recorder, rows } = await setup();
    const recording = recorder.start(SESSION)!;
    expect(recording.active).toBe(true);
    const sent = ['RFB 003.008\n', 'a', 'bb', 'ccc'].map(s => Buffer.from(s));
    for (const chunk of sent) {
      recording.write(chunk);
      await new Promise(r => setTimeout(r, 5));
    }
    const facts = await recording.finish();
    expect(facts).toEqual({ recordingId: expect.any(String) });
    const frames = parseRecording(file(facts.recordingId!));
    expect(frames.map(f => Buffer.from(f.data).toString())).toEqual(
      sent.map(s => s.toString()),
    );
    const times = frames.map(f => f.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[3]).toBeGreaterThanOrEqual(10);
    expect(rows.get(facts.recordingId!)).toMatchObject({
      workspace: 'desk',
      owner: 'user:default/alice',
      consoleSessionId: 7,
      bytes: file(facts.recordingId!).length,
      truncated: false,
    });
    expect(recorder.openIds()).toEqual([]);
  });

  it('finishes open recordings on shutdown, once', async () => {
    const { recorder, rows } = await setup();
    const recording = recorder.start(SESSION)!;
    recording.write(Buffer.from('RFB 003.008\n'));
    await recorder.drain();
    expect(recorder.openIds()).toEqual([]);
    const facts = await recording.finish();
    expect(parseRecording(file(facts.recordingId!))).toHaveLength(1);
    expect(rows.get(facts.recordingId!)).toMatchObject({
      bytes: 7 + 8 + 12,
      truncated: false,
    });
  });

  it('records nothing on desktops the config does not name', async () => {
    const { recorder } = await setup();
    expect(recorder.start({ ...SESSION, image: 'windows-11' })).toBeUndefined();
    expect(
      recorder.records({ image: 'windows-11', owner: SESSION.owner }),
    ).toBe(false);
    expect(recorder.records(SESSION)).toBe(true);
  });

  it('stops at the per-session limit and marks the recording truncated', async () => {
    const { recorder, rows } = await setup({ maxBytesPerSession: 100 });
    const recording = recorder.start(SESSION)!;
    for (let i = 0; i < 10; i++) recording.write(Buffer.alloc(20, i));
    expect(recording.active).toBe(false);
    const facts = await recording.finish();
    expect(facts.recordingNote).toBe(
      'recording stopped early: it reached the limit of 100 bytes per session',
    );
    const bytes = file(facts.recordingId!);
    expect(bytes.length).toBeLessThanOrEqual(100);
    // Magic (7) and three whole frames of 28 bytes fit.
    expect(parseRecording(bytes)).toHaveLength(3);
    expect(rows.get(facts.recordingId!)).toMatchObject({
      truncated: true,
      bytes: 7 + 3 * 28,
    });
  });

  it('records nothing when the store is full, and says so', async () => {
    const { recorder, rows } = await setup({ maxTotalBytes: 1000 }, 1000);
    expect(recorder.records(SESSION)).toBe(false);
    const recording = recorder.start(SESSION)!;
    expect(recording.active).toBe(false);
    recording.write(Buffer.from('RFB 003.008\n'));
    expect(await recording.finish()).toEqual({
      recordingNote:
        'not recorded: the recording store is full (1000 of 1000 bytes)',
    });
    expect(rows.size).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['old.dmrec']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/is not recorded: the recording store is full/),
    );
  });

  it('stops when the store fills up during a session', async () => {
    const { recorder } = await setup({ maxTotalBytes: 1000 }, 900);
    const recording = recorder.start(SESSION)!;
    for (let i = 0; i < 10; i++) recording.write(Buffer.alloc(20));
    const facts = await recording.finish();
    expect(facts.recordingNote).toBe(
      'recording stopped early: the recording store is full',
    );
    expect(parseRecording(file(facts.recordingId!)).length).toBe(3);
  });

  it('records nothing when the folder is not writable, and says so', async () => {
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, '');
    const files = new RecordingStore({
      dir: path.join(blocked, 'recordings'),
      maxTotalBytes: 1000,
      logger,
      usage: fakeRows().store,
    });
    await files.refresh();
    expect(files.refusal()).toMatch(/^the recording folder .* is not writable/);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/^Recording nothing: the recording folder/),
    );
  });

  it('stops rather than buffer without bound when the disk cannot keep up', async () => {
    const { files } = await setup();
    // A file that never opens: everything waits in memory.
    jest.spyOn(files, 'create').mockReturnValue(new Promise(() => {}));
    const recorder = new SessionRecorder({
      config: {
        images: ['ubuntu-desktop'],
        ownerGroups: [],
        dir,
        maxBytesPerSession: 1024 ** 3,
        maxTotalBytes: 1024 ** 3,
        retentionMs: 3600_000,
      },
      files,
      records: fakeRows().store,
      logger,
      maxPendingBytes: 64 * 1024,
    });
    const recording = recorder.start(SESSION)!;
    for (let i = 0; i < 100; i++) recording.write(Buffer.alloc(1024));
    expect(recording.active).toBe(false);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/the disk could not keep up/),
    );
  });
});
