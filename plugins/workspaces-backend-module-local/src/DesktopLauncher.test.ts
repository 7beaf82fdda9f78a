import fs from 'fs';
import os from 'os';
import path from 'path';
import { resolveBinaries } from './binaries';
import { DesktopLauncher } from './DesktopLauncher';
import { DesktopState, DesktopStore } from './DesktopStore';
import { isAlive, ProcessRef } from './processes';
import { newDesktop } from './__testUtils__/orders';

// Displays apart from the other suites'; the fake X servers take no lock.
const displayBase = 8900 + Math.floor(Math.random() * 90);

/** Stand-ins for Xvnc and bwrap, so the launcher's own logic runs without them. */
const FAKE_XVNC_READY =
  'echo "$1" >> "$LAUNCHES"; touch "$7" "/tmp/.X11-unix/X${1#:}"; exec sleep 30';
const FAKE_XVNC_DISPLAY_TAKEN =
  'echo "$1" >> "$LAUNCHES"; sleep 0.05; echo "Fatal server error: Cannot establish any listening sockets" >&2; exit 1';
const FAKE_BWRAP_READY = `echo "{\\"child-pid\\": $$}" >&3; exec sleep 30`;

describe('DesktopLauncher', () => {
  let dir: string;
  let store: DesktopStore;
  let state: DesktopState;
  const launches = () => path.join(dir, 'launches');
  const started: ProcessRef[] = [];

  const program = (name: string, script: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\nLAUNCHES='${launches()}'\n${script}\n`, {
      mode: 0o755,
    });
    return file;
  };
  const launcher = (xvnc: string, bwrap: string, inUse: number[] = []) =>
    new DesktopLauncher({
      store,
      binaries: resolveBinaries({
        xvnc: program('Xvnc', xvnc),
        bwrap: program('bwrap', bwrap),
      }),
      host: { asRoot: false, bootId: 'this-boot', mounts: [] },
      // The launcher's own logic, without cgroups or a home image.
      limits: { cgroups: [], homeImages: false, missing: [], unbounded: true },
      displayBase,
      displaysInUse: () => inUse,
    });
  const tried = () => fs.readFileSync(launches(), 'utf8').trim().split('\n');

  beforeEach(async () => {
    fs.mkdirSync('/tmp/.X11-unix', { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-'));
    store = await DesktopStore.open({
      dataDir: path.join(dir, 'desktops'),
      asRoot: false,
      uidBase: 1_900_000_000,
    });
    state = store.add(newDesktop('one'));
    store.makeHome(state);
  });
  afterEach(() => {
    for (const ref of started.splice(0)) {
      if (isAlive(ref)) process.kill(ref.pid, 'SIGKILL');
    }
    for (let d = displayBase; d < displayBase + 10; d++) {
      fs.rmSync(`/tmp/.X11-unix/X${d}`, { force: true });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts Xvnc on a display no other desktop holds, then the sandbox, recording each process', async () => {
    await launcher(FAKE_XVNC_READY, FAKE_BWRAP_READY, [displayBase]).launch(
      state,
    );
    started.push(state.xvnc!, state.session!, state.sandbox!);
    expect(tried()).toEqual([`:${displayBase + 1}`]);
    expect(store.read('one')).toEqual(state);
    expect(state).toMatchObject({
      bootId: 'this-boot',
      display: displayBase + 1,
      startedAt: expect.any(String),
    });
    // The fake bwrap execs its sandbox's first process itself.
    expect(state.sandbox).toEqual(state.session);
    expect([state.xvnc, state.sandbox].map(isAlive)).toEqual([true, true]);
    const run = store.runDirOf('one');
    expect(fs.readdirSync(run).sort()).toEqual([
      'Xauthority',
      'group',
      'hosts',
      'openbox-rc.xml',
      'passwd',
      'session.log',
      'vnc.sock',
      'xvnc.log',
    ]);
    expect(fs.readFileSync(path.join(run, 'passwd'), 'utf8')).toContain(
      'alice:x:',
    );
    // What keeps the terminal maximized when the console resizes the screen.
    expect(fs.readFileSync(path.join(run, 'openbox-rc.xml'), 'utf8')).toContain(
      '<application title="terminal" type="normal">',
    );
  });

  it('moves on when another X server takes the display first, and gives up after a few', async () => {
    await expect(
      launcher(FAKE_XVNC_DISPLAY_TAKEN, FAKE_BWRAP_READY).launch(state),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: `Xvnc could not start on display :${
        displayBase + 5
      } (Fatal server error: Cannot establish any listening sockets)`,
    });
    expect(tried()).toEqual(
      [0, 1, 2, 3, 4, 5].map(offset => `:${displayBase + offset}`),
    );
  });

  it("fails with the sandbox's complaint when it exits at start", async () => {
    await expect(
      launcher(
        FAKE_XVNC_READY,
        'echo "bwrap: Can\'t mount proc on /newroot/proc" >&2; exit 1',
      )
        .launch(state)
        .finally(() => started.push(state.xvnc!)),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        "The sandbox exited at start (bwrap: Can't mount proc on /newroot/proc)",
    });
    expect(store.read('one')?.session).toBeDefined();
  });
});
