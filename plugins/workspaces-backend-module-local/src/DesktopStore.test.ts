import fs from 'fs';
import os from 'os';
import path from 'path';
import { DesktopStore } from './DesktopStore';
import { newDesktop } from './__testUtils__/orders';

describe('DesktopStore', () => {
  let root: string;
  let dataDir: string;
  const uidBase = 1_940_000_000 + Math.floor(Math.random() * 1_000_000);
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));
    fs.chmodSync(root, 0o711);
    dataDir = path.join(root, 'desktops');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const open = (asRoot = false) =>
    DesktopStore.open({ dataDir, asRoot, uidBase });

  it('refuses a data folder whose socket paths would not fit a unix socket', async () => {
    dataDir = path.join(root, 'x'.repeat(60));
    await expect(open()).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/is too long: .* 107 bytes/),
    });
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('keeps the data folder private, or passable for desktop users when it hands out user ids', async () => {
    await open();
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    await open(true);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o711);
  });

  it('refuses to hand out user ids under a folder other users cannot pass through', async () => {
    fs.chmodSync(root, 0o700);
    await expect(open(true)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        `lies in '${root}', which other users cannot pass through`,
      ),
    });
  });

  it('records desktops, replacing what a crashed create left, and finds them again', async () => {
    const store = await open();
    fs.mkdirSync(path.join(dataDir, 'one', 'home'), { recursive: true });
    fs.mkdirSync(path.join(dataDir, 'stray'));
    const one = store.add(newDesktop('one'));
    expect(one).toMatchObject({
      ...newDesktop('one'),
      uid: process.getuid!(),
      desired: 'running',
      createdAt: expect.any(String),
    });
    expect(fs.readdirSync(path.join(dataDir, 'one'))).toEqual(['state.json']);
    expect(fs.statSync(path.join(dataDir, 'one')).mode & 0o777).toBe(0o711);
    expect(
      fs.statSync(path.join(dataDir, 'one', 'state.json')).mode & 0o777,
    ).toBe(0o600);

    one.desired = 'stopped';
    store.write(one);
    const again = await open();
    expect(again.read('one')).toEqual(one);
    expect(again.all()).toEqual([one]);
    expect(again.read('stray')).toBeUndefined();
    expect(again.read('../one')).toBeUndefined();
    again.remove('one');
    expect(again.all()).toEqual([]);
  });

  it('gives each desktop the first user id no desktop, account or process has', async () => {
    const store = await open(true);
    const first = store.add(newDesktop('one'));
    const second = store.add(newDesktop('two'));
    expect([first.uid, second.uid]).toEqual([uidBase, uidBase + 1]);
    const low = await DesktopStore.open({ dataDir, asRoot: true, uidBase: 0 });
    // root has an account and processes.
    expect(low.add(newDesktop('three')).uid).toBeGreaterThan(0);
  });

  it('lays out a desktop under its own folder', async () => {
    const store = await open();
    expect(store.homeOf('one')).toBe(path.join(dataDir, 'one', 'home'));
    expect(store.socketPathOf('one')).toBe(
      path.join(dataDir, 'one', 'run', 'vnc.sock'),
    );
    expect(() => store.runDirOf('../etc')).toThrow(
      "'../etc' is not a valid desktop name",
    );
  });

  it("quotes the last error line of a desktop's log", async () => {
    const store = await open();
    fs.mkdirSync(store.runDirOf('one'), { recursive: true });
    fs.writeFileSync(
      path.join(store.runDirOf('one'), 'xvnc.log'),
      'starting\nFatal server error:\n  Cannot establish any listening sockets \nbye\n',
    );
    expect(store.logTail('one', 'xvnc.log')).toBe(
      ' (Cannot establish any listening sockets)',
    );
    expect(store.logTail('one', 'session.log')).toBe('');
  });

  it('runs calls on one desktop one after another, showing their phase meanwhile', async () => {
    const store = await open();
    const order: string[] = [];
    let release!: () => void;
    const first = store.exclusive('one', 'Starting', async () => {
      order.push('first');
      await new Promise<void>(r => {
        release = r;
      });
      throw new Error('first failed');
    });
    const second = store.exclusive('one', 'Stopping', async () => {
      order.push('second');
      return 'stopped';
    });
    const other = store.exclusive('two', 'Terminating', async () => {
      order.push('other');
    });
    await other;
    await new Promise(r => setImmediate(r));
    expect(order).toEqual(['first', 'other']);
    expect(store.busyPhase('one')).toBe('Starting');
    release();
    await expect(first).rejects.toThrow('first failed');
    await expect(second).resolves.toBe('stopped');
    expect(order).toEqual(['first', 'other', 'second']);
    expect(store.busyPhase('one')).toBeUndefined();
  });
});
