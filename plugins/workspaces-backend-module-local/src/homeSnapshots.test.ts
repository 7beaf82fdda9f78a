import fs from 'fs';
import os from 'os';
import path from 'path';
import { DesktopStore, type DesktopState } from './DesktopStore';
import { HomeSnapshots } from './homeSnapshots';
import { newDesktop } from './__testUtils__/orders';

describe('HomeSnapshots', () => {
  let root: string;
  let store: DesktopStore;
  let state: DesktopState;
  let running: boolean;
  let snapshots: HomeSnapshots;
  const ref = { name: 'desk', cluster: 'local' };
  const home = () => store.homeOf('desk');
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(home(), file)), { recursive: true });
    fs.writeFileSync(path.join(home(), file), text);
  };
  const read = (file: string) =>
    fs.readFileSync(path.join(home(), file), 'utf8');

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshots-'));
    store = await DesktopStore.open({
      dataDir: path.join(root, 'desktops'),
      asRoot: false,
      uidBase: 1_950_000_000,
    });
    state = store.add(newDesktop('desk'));
    store.makeHome(state);
    running = false;
    snapshots = new HomeSnapshots({
      store,
      desktop: () => ({ state, running }),
    });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('restores the home as it was: files written before come back, files written after go', async () => {
    write('Documents/report.txt', 'first draft');
    fs.symlinkSync('/etc/passwd', path.join(home(), 'link'));
    expect(await snapshots.take(ref, 'before')).toEqual({
      ref: 'before',
      state: 'ready',
    });

    write('Documents/report.txt', 'second draft');
    write('later.txt', 'written after the snapshot');
    fs.rmSync(path.join(home(), 'link'));

    await snapshots.restore(ref, 'before');
    expect(read('Documents/report.txt')).toBe('first draft');
    expect(fs.existsSync(path.join(home(), 'later.txt'))).toBe(false);
    expect(fs.readlinkSync(path.join(home(), 'link'))).toBe('/etc/passwd');
    expect(await snapshots.list(ref)).toEqual([
      { ref: 'before', state: 'ready' },
    ]);
  });

  it('keeps snapshots out of the desktop folder, so a kept one outlives it', async () => {
    write('a.txt', 'a');
    await snapshots.take(ref, 'keep-me');
    store.remove('desk');
    const archive = path.join(root, 'desktops', '.snapshots', 'desk');
    expect(fs.readdirSync(archive)).toEqual(['keep-me.tar.gz']);
    expect(fs.statSync(archive).mode & 0o777).toBe(0o700);
    expect(store.all()).toEqual([]);
  });

  it('refuses while the desktop runs, and leaves no partial archive', async () => {
    running = true;
    await expect(snapshots.take(ref, 'now')).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        "Stop the desktop 'desk' first: its home is archived only while it is stopped",
    });
    await expect(snapshots.restore(ref, 'now')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    running = false;
    await snapshots.take(ref, 'now');
    running = true;
    await expect(snapshots.restore(ref, 'now')).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        "Stop the desktop 'desk' first: a snapshot is restored only while it is stopped",
    });
  });

  it('says why when tar fails, and deletes what it is asked to', async () => {
    const broken = new HomeSnapshots({
      store,
      desktop: () => ({ state, running: false }),
      tar: '/bin/false',
    });
    await expect(broken.take(ref, 'x')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/^Archiving the home of 'desk' failed: /),
    });
    expect(await snapshots.list(ref)).toEqual([]);
    await snapshots.take(ref, 'y');
    await snapshots.delete(ref, 'y');
    await snapshots.delete(ref, 'y');
    expect(await snapshots.list(ref)).toEqual([]);
    await expect(snapshots.delete(ref, '../x')).rejects.toMatchObject({
      name: 'InputError',
    });
  });
});
