import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { RfbClient, socketTransport } from '@internal/test-support';
import { cgroupProcs } from './cgroups';
import { LocalWorkspaceProvider } from './LocalWorkspaceProvider';
import { isMountPoint } from './mounts';
import { isAlive } from './processes';
import {
  inDesktop,
  readState,
  terminalMapped,
  waitUntil,
} from './__testUtils__/desktops';
import { absentPrograms } from './__testUtils__/installed';
import { order } from './__testUtils__/orders';

jest.setTimeout(120_000);

const MiB = 2 ** 20;
const SIZE = {
  name: 'tiny',
  title: 'Tiny',
  geometry: '800x600',
  cpu: 0.5,
  memory: '256Mi',
  maxProcesses: 48,
};
const missing = absentPrograms('the tests of desktops held to their size', [
  '/usr/bin/nsenter',
  '/usr/bin/xdotool',
]);
const asRoot = process.getuid?.() === 0;
if (!missing.length && !asRoot) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the tests of desktops held to their size: only root can make cgroups and mount homes here',
  );
}
const describeBounded = !missing.length && asRoot ? describe : describe.skip;
// eslint-disable-next-line no-console
const report = (figure: string) => console.log(figure);
// The allocator that prints how far it got.
const describeWithPython = absentPrograms('the memory limit test', [
  '/usr/bin/python3',
]).length
  ? describe.skip
  : describe;

describeBounded('a local desktop held to its size', () => {
  let dataDir: string;
  let provider: LocalWorkspaceProvider;
  const displayBase = 500 + Math.floor(Math.random() * 90);
  const uidBase = 1_950_000_000 + Math.floor(Math.random() * 1_000_000);
  const ref = { name: 'tiny', cluster: 'local' };
  const make = () =>
    LocalWorkspaceProvider.fromOptions({
      dataDir,
      displayBase,
      uidBase,
      logger: mockServices.logger.mock(),
    });
  const state = () => readState(dataDir, 'tiny');
  const dir = () => path.join(dataDir, 'tiny');
  const home = () => path.join(dir(), 'home');
  const image = () => path.join(dir(), 'home.img');
  /** A control file of the desktop's cgroup, from whichever hierarchy has it. */
  const control = (file: string) => {
    const found = state()
      .cgroups!.map(d => path.join(d, file))
      .find(f => fs.existsSync(f));
    return found && fs.readFileSync(found, 'utf8').trim();
  };
  const loopDevices = () =>
    execFileSync('/sbin/losetup', ['-a'], { encoding: 'utf8' })
      .split('\n')
      .filter(l => l.includes(image()));

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bounded-'));
    provider = await make();
    await provider.create(order({ name: 'tiny', size: SIZE, diskGi: 1 }));
  });
  afterAll(async () => {
    await provider.delete(ref).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts openbox and xterm with only what they need of /etc', async () => {
    await waitUntil(
      () => terminalMapped(dataDir, 'tiny'),
      'the terminal is on the screen',
    );
    const hostEtc = fs.readdirSync('/etc');
    expect(hostEtc).toEqual(expect.arrayContaining(['postgresql', 'npmrc']));
    const seen = inDesktop(state(), 'ls -A /etc').stdout.split('\n');
    expect(seen).not.toContain('postgresql');
    expect(seen).not.toContain('npmrc');
    expect(seen).not.toContain('shadow');
    expect(inDesktop(state(), 'cat /etc/npmrc').stderr).toMatch(/No such file/);
    const accounts = inDesktop(state(), 'cut -d: -f1 /etc/passwd /etc/group');
    expect(accounts.stdout).toBe('root\nalice\nroot\nalice\n');
    // awk and friends are reached through /etc/alternatives.
    expect(inDesktop(state(), 'echo a b | awk "{print \\$2}"').stdout).toBe(
      'b\n',
    );
    report(
      `etc: the sandbox sees ${seen.filter(Boolean).length} of the host's ${
        hostEtc.length
      } entries in /etc: ${seen.filter(Boolean).join(' ')}`,
    );
  });

  it('runs Xvnc and the sandbox in the desktop’s cgroup with the ordered CPU quota', () => {
    const { xvnc, session, sandbox, cgroups } = state();
    expect(cgroups!.length).toBeGreaterThan(0);
    for (const cgroup of cgroups!) {
      expect(cgroupProcs(cgroup)).toEqual(
        expect.arrayContaining([xvnc.pid, session.pid, sandbox.pid]),
      );
    }
    expect(control('memory.limit_in_bytes') ?? control('memory.max')).toBe(
      String(256 * MiB),
    );
    expect(control('pids.max')).toBe('48');
    const quota = control('cpu.cfs_quota_us') ?? control('cpu.max');
    const period = control('cpu.cfs_period_us') ?? '100000';
    expect(`${quota}/${period}`).toMatch(/^50000( 100000)?\/100000$/);

    // Two busy loops for two seconds, on a machine with two cores or more.
    const spin = 'timeout 2 sh -c "while :; do :; done"';
    const busy = inDesktop(state(), `${spin} & ${spin} & wait; times`);
    const [user, sys] = busy.stdout
      .trim()
      .split('\n')[1]
      .split(' ')
      .map(t => {
        const [, m, s] = /(\d+)m([\d.]+)s/.exec(t)!;
        return Number(m) * 60 + Number(s);
      });
    report(
      `cpu: quota ${quota} of ${period} µs (0.5 CPU); two busy loops got ${(
        user + sys
      ).toFixed(2)} s of CPU in 2 s`,
    );
    expect(user + sys).toBeLessThan(1.3);
  });

  describeWithPython('with python3 allocating', () => {
    it('kills a process that allocates past the memory limit, and the desktop runs on', async () => {
      const before = Number(
        control('memory.usage_in_bytes') ?? control('memory.current'),
      );
      // One MiB at a time, each page written, the count printed as it grows.
      const allocate =
        'python3 -c "held = []\nwhile True:\n  held.append(b\\"x\\" * 2**20)\n  print(len(held), flush=True)"; echo exit=$?';
      const run = inDesktop(state(), allocate, { timeout: 60_000 });
      const lines = run.stdout.trim().split('\n');
      const allocated = Number(lines[lines.length - 2]);
      report(
        `memory: allocated ${allocated} MiB of the 256 MiB limit before the kill (the desktop's own processes held ${Math.round(
          before / MiB,
        )} MiB)`,
      );
      expect(lines[lines.length - 1]).toBe('exit=137');
      expect(allocated).toBeGreaterThan(50);
      expect(allocated).toBeLessThan(256);
      const { xvnc, sandbox } = state();
      expect([isAlive(xvnc), isAlive(sandbox)]).toEqual([true, true]);
      expect((await provider.get(ref))!.status.phase).toBe('Running');
    });
  });

  it('fails a write past the ordered disk with ENOSPC, on an image that takes no more of the host', () => {
    const fill = inDesktop(
      state(),
      'dd if=/dev/zero of=$HOME/fill bs=1M 2>&1; echo exit=$?; sync',
      { timeout: 90_000 },
    );
    expect(fill.stdout).toMatch(/No space left on device/);
    const written = Number(/(\d+) bytes/.exec(fill.stdout)![1]);
    const onHost = fs.statSync(image()).blocks * 512;
    report(
      `disk: wrote ${Math.round(
        written / MiB,
      )} MiB into a 1 GiB home before ENOSPC; its image holds ${Math.round(
        onHost / MiB,
      )} MiB of the host's disk`,
    );
    expect(written).toBeGreaterThan(900 * MiB);
    expect(written).toBeLessThanOrEqual(1024 * MiB);
    expect(onHost).toBeLessThanOrEqual(1100 * MiB);
    expect(inDesktop(state(), 'rm ~/fill && echo ok').stdout).toBe('ok\n');
  });

  it('holds the desktop to its process limit', async () => {
    const before = Number(control('pids.current'));
    const forks = inDesktop(
      state(),
      // The sleeps let go of the output, so the test reads the count while they run.
      'i=0; while [ $i -lt 100 ]; do sleep 3 >/dev/null 2>&1 & i=$((i+1)); echo $i; done',
    );
    const started = Number(forks.stdout.trim().split('\n').pop());
    const peak = Number(control('pids.current'));
    report(
      `pids: ${started} more processes started before fork failed at pids.max 48 (the desktop ran ${before}, then ${peak})`,
    );
    expect(forks.stderr).toMatch(/fork/i);
    expect(started).toBeLessThan(48);
    expect(peak).toBeLessThanOrEqual(48);
    // The sleeps end; Xvnc needs to fork again for the next viewers.
    await waitUntil(
      () => Number(control('pids.current')) <= before,
      'the sleeps are gone',
    );
  });

  it('lets a viewer in after six aborted handshakes in a row', async () => {
    for (let i = 0; i < 6; i++) {
      const socket = await provider.openConsole(ref);
      await new Promise(r => socket.once('data', r));
      socket.destroy();
    }
    const client = new RfbClient(
      socketTransport(await provider.openConsole(ref)),
    );
    await client.handshake();
    report(
      `vnc: six aborted handshakes, then a seventh viewer connected to the ${client.width}x${client.height} screen`,
    );
    expect(client.width).toBe(800);
    client.close();
  });

  it('keeps its data files to its own user and the backend', () => {
    const mode = (file: string) => fs.statSync(file).mode & 0o777;
    expect(mode(dataDir)).toBe(0o711);
    // Passable to the desktop's user, who must reach home and run.
    expect(mode(dir())).toBe(0o711);
    expect(mode(path.join(dir(), 'state.json'))).toBe(0o600);
    expect(mode(image())).toBe(0o600);
    expect(mode(home())).toBe(0o700);
    expect(fs.statSync(home()).uid).toBe(state().uid);
    const run = path.join(dir(), 'run');
    expect(mode(run)).toBe(0o700);
    const files = fs.readdirSync(run).map(f => [f, mode(path.join(run, f))]);
    expect(files.filter(([, m]) => m !== 0o600)).toEqual([]);
    report(
      `files: ${files.map(([f]) => f).join(', ')} are 0600 in a 0700 folder`,
    );
  });

  it('keeps its cgroup and mounts its home again when a new backend adopts it', async () => {
    const before = state();
    // As a backend in a mount namespace of its own would find it.
    execFileSync('/bin/umount', ['-l', home()]);
    expect(isMountPoint(home())).toBe(false);
    await make();
    expect(isMountPoint(home())).toBe(true);
    expect(state()).toEqual(before);
    // The same filesystem through the same loop device, not a second one.
    expect(loopDevices()).toHaveLength(1);
    fs.writeFileSync(path.join(home(), 'from-host'), 'hello');
    expect(inDesktop(state(), 'cat ~/from-host').stdout).toBe('hello');
    expect(cgroupProcs(before.cgroups![0])).toContain(before.xvnc.pid);
  });

  it('removes its cgroup, its mount and its image when deleted', async () => {
    const { cgroups } = state();
    await provider.delete(ref);
    expect(cgroups!.filter(d => fs.existsSync(d))).toEqual([]);
    expect(fs.existsSync(dir())).toBe(false);
    await waitUntil(
      () => loopDevices().length === 0,
      'the loop device is free',
    );
  });
});
