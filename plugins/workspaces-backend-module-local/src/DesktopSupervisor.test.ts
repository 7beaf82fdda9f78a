import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { DesktopState, DesktopStore } from './DesktopStore';
import { DesktopSupervisor } from './DesktopSupervisor';
import { isAlive, processRef, ProcessRef } from './processes';
import { newDesktop } from './__testUtils__/orders';

const BOOT = 'this-boot';

describe('DesktopSupervisor', () => {
  let dataDir: string;
  let store: DesktopStore;
  let supervisor: DesktopSupervisor;
  const children: ChildProcess[] = [];

  // exec, so that killing the child leaves no orphaned sleep behind.
  const live = (script = 'exec sleep 30'): ProcessRef => {
    const child = spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
    children.push(child);
    return processRef(child.pid!);
  };
  const gone = async (): Promise<ProcessRef> => {
    const child = spawn('/bin/true');
    const ref = processRef(child.pid!);
    await new Promise(r => child.once('exit', r));
    return ref;
  };
  const desktop = (
    name: string,
    extra: Partial<DesktopState> = {},
  ): DesktopState => {
    const state = store.add(newDesktop(name));
    Object.assign(state, extra);
    store.write(state);
    return state;
  };

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervisor-'));
    store = await DesktopStore.open({
      dataDir,
      asRoot: false,
      uidBase: 1_900_000_000,
    });
    supervisor = new DesktopSupervisor(store, BOOT);
  });
  afterEach(() => {
    children.forEach(c => c.kill('SIGKILL'));
    children.length = 0;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('tells running desktops from failed ones, with the reason', async () => {
    const running = desktop('running', {
      bootId: BOOT,
      display: 42,
      xvnc: live(),
      sandbox: live(),
    });
    expect(supervisor.statusOf(running)).toEqual({
      phase: 'Running',
      ready: true,
      message: 'display :42',
    });
    expect(supervisor.isRunning(running)).toBe(true);

    const failedWith = (state: DesktopState) => {
      const status = supervisor.statusOf(state);
      expect(status).toMatchObject({ phase: 'Failed', ready: false });
      expect(supervisor.isRunning(state)).toBe(false);
      return status.message;
    };
    expect(failedWith(desktop('unstarted'))).toBe(
      'The desktop did not finish starting; start it again',
    );
    expect(
      failedWith(
        desktop('rebooted', {
          bootId: 'an-earlier-boot',
          xvnc: live(),
          sandbox: live(),
        }),
      ),
    ).toMatch(/^The machine restarted/);

    const xvncDead = desktop('xvnc-dead', {
      bootId: BOOT,
      xvnc: await gone(),
      sandbox: live(),
    });
    fs.mkdirSync(store.runDirOf('xvnc-dead'));
    fs.writeFileSync(
      path.join(store.runDirOf('xvnc-dead'), 'xvnc.log'),
      'Fatal server error: no screens\n',
    );
    expect(failedWith(xvncDead)).toBe(
      'Xvnc exited (Fatal server error: no screens); start it again',
    );
    expect(
      failedWith(
        desktop('session-dead', {
          bootId: BOOT,
          xvnc: live(),
          sandbox: await gone(),
        }),
      ),
    ).toMatch(/^The desktop session exited/);
  });

  it('shows what its owner asked for and what a lifecycle call is doing', async () => {
    const stopped = desktop('stopped', { desired: 'stopped' });
    expect(supervisor.statusOf(stopped)).toEqual({
      phase: 'Stopped',
      ready: false,
    });
    await store.exclusive('stopped', 'Starting', async () => {
      expect(supervisor.statusOf(stopped)).toEqual({
        phase: 'Starting',
        ready: false,
      });
    });
  });

  it('adopts the desktops still running and keeps their displays', async () => {
    desktop('running', {
      bootId: BOOT,
      display: 7,
      xvnc: live(),
      sandbox: live(),
    });
    desktop('other', {
      bootId: BOOT,
      display: 8,
      xvnc: live(),
      sandbox: live(),
    });
    desktop('dead', { bootId: BOOT, display: 9, xvnc: await gone() });
    desktop('stopped', { desired: 'stopped' });
    expect((await supervisor.adopt()).map(s => s.name).sort()).toEqual([
      'other',
      'running',
    ]);
    expect(supervisor.displaysInUse('other')).toEqual([7]);
  });

  it('ends every process of a desktop and forgets them', async () => {
    const stubborn = live('trap "" TERM; while :; do sleep 0.05; done');
    const state = desktop('one', {
      bootId: BOOT,
      display: 8999,
      xvnc: live(),
      session: live(),
      sandbox: stubborn,
    });
    const refs = [state.xvnc, state.session, state.sandbox];
    fs.mkdirSync(store.runDirOf('one'));
    await supervisor.halt(state);
    expect(refs.map(isAlive)).toEqual([false, false, false]);
    expect(fs.existsSync(store.runDirOf('one'))).toBe(false);
    expect(store.read('one')).toEqual(
      expect.not.objectContaining({ xvnc: expect.anything() }),
    );
    expect(store.read('one')).not.toHaveProperty('display');
  });

  it('signals no process recorded in an earlier boot', async () => {
    const unrelated = live();
    const state = desktop('ghost', {
      bootId: 'an-earlier-boot',
      xvnc: unrelated,
      session: unrelated,
      sandbox: unrelated,
    });
    await supervisor.halt(state);
    expect(isAlive(unrelated)).toBe(true);
    expect(store.read('ghost')).not.toHaveProperty('xvnc');
  });
});
