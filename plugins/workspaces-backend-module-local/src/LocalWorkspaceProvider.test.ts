import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { RfbClient, socketTransport } from '@internal/test-support';
import { LocalWorkspaceProvider } from './LocalWorkspaceProvider';
import { removeCgroup } from './cgroups';
import { unmountHome } from './homeImage';
import { isMountPoint } from './mounts';
import { isAlive, processRef } from './processes';
import {
  inDesktop as inDesktopOf,
  readState,
  terminalMapped as terminalMappedOn,
  waitUntil,
  xEnv as desktopXEnv,
} from './__testUtils__/desktops';
import { absentPrograms } from './__testUtils__/installed';
import { order } from './__testUtils__/orders';

jest.setTimeout(60_000);

const missing = absentPrograms('the local provider tests with real desktops', [
  '/usr/bin/nsenter',
  '/usr/bin/xdotool',
  '/usr/bin/xdpyinfo',
]);
const describeIfInstalled = missing.length ? describe.skip : describe;
const asRoot = process.getuid?.() === 0;
if (!missing.length && !asRoot) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the per-desktop user checks: the tests do not run as root, so desktops share one user id',
  );
}
const describeAsRoot = asRoot ? describe : describe.skip;

const spec = (
  name: string,
  extra: Partial<WorkspaceCreateSpec> = {},
): WorkspaceCreateSpec =>
  order({
    name,
    size: {
      name: 'small',
      title: 'Small',
      geometry: '1024x768',
      maxProcesses: 64,
    },
    ...extra,
  });
const ref = (name: string) => ({ name, cluster: 'local' });

/** Every live process below `pid`, itself included. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc').filter(e => /^\d+$/.test(e))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const next = stack.pop()!;
    if (!fs.existsSync(`/proc/${next}`)) continue;
    found.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return found;
}

function memoryKiB(pids: number[], field: RegExp, file: string) {
  return pids.reduce((sum, pid) => {
    try {
      return (
        sum +
        Number(
          field.exec(fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'))?.[1] ?? 0,
        )
      );
    } catch {
      return sum;
    }
  }, 0);
}

/** The pid in an X server's lock file, if there is one. */
const xLockHolder = (display: number) => {
  try {
    return Number(fs.readFileSync(`/tmp/.X${display}-lock`, 'utf8').trim());
  } catch {
    return undefined;
  }
};

const commOf = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

describeIfInstalled(
  'LocalWorkspaceProvider with real Xvnc, bubblewrap, openbox and xterm',
  () => {
    let dataDir: string;
    let provider: LocalWorkspaceProvider;
    // Ranges apart from the other suites', which may run at the same time.
    const displayBase = 600 + Math.floor(Math.random() * 100);
    const uidBase = 1_910_000_000 + Math.floor(Math.random() * 1_000_000);
    const make = () =>
      LocalWorkspaceProvider.fromOptions({
        dataDir,
        displayBase,
        uidBase,
        logger: mockServices.logger.mock(),
      });

    const stateOf = (name: string) => readState(dataDir, name);
    const homeOf = (name: string) => path.join(dataDir, name, 'home');
    const runOf = (name: string) => path.join(dataDir, name, 'run');
    const xEnv = (name: string) => desktopXEnv(dataDir, name);
    /** Runs a shell script in the desktop as its own processes run. */
    const inDesktop = (name: string, script: string, nproc?: number) =>
      inDesktopOf(stateOf(name), script, { nproc });
    // Xvnc forks to run xkbcomp when clients connect; until the child execs,
    // it shows Xvnc's command line. Only processes whose parent is not one
    // of them are servers.
    const xvncCount = (name: string) => {
      const socket = path.join(runOf(name), 'vnc.sock');
      const matching = new Map<string, string>();
      for (const pid of fs.readdirSync('/proc').filter(e => /^\d+$/.test(e))) {
        try {
          if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(socket))
            continue;
          const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
          matching.set(
            pid,
            stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1],
          );
        } catch {
          // exited meanwhile
        }
      }
      return [...matching.values()].filter(ppid => !matching.has(ppid)).length;
    };

    async function firstFrame(name: string) {
      const client = new RfbClient(
        socketTransport(await provider.openConsole(ref(name))),
      );
      try {
        await client.handshake();
        client.request(false, 0, 0, client.width, client.height);
        const bytes = await client.readUpdate();
        return { width: client.width, height: client.height, bytes };
      } finally {
        client.close();
      }
    }

    const terminalMapped = (name: string) => terminalMappedOn(dataDir, name);

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-desktops-'));
      provider = await make();
    });

    afterAll(async () => {
      for (const name of fs.readdirSync(dataDir)) {
        await provider.delete(ref(name)).catch(() => undefined);
      }
      // Whatever a failed assertion left behind goes too.
      for (const name of fs.readdirSync(dataDir)) {
        const state = stateOf(name);
        for (const p of [state.sandbox, state.session, state.xvnc]) {
          if (isAlive(p)) process.kill(p.pid, 'SIGKILL');
        }
        await removeCgroup(state.cgroups ?? []);
        await unmountHome(homeOf(name));
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('creates a desktop that serves its screen over RFB on a private unix socket, and measures it', async () => {
      const t0 = performance.now();
      const created = await provider.create(spec('one'));
      const frame = await firstFrame('one');
      const toFirstFrame = performance.now() - t0;
      expect(created).toMatchObject({
        name: 'one',
        cluster: 'local',
        owner: 'user:default/alice',
        status: { phase: 'Running', ready: true },
      });
      expect(frame.width).toBe(1024);
      expect(frame.height).toBe(768);
      expect(frame.bytes).toBeGreaterThanOrEqual(1024 * 768 * 4);

      await waitUntil(
        () => terminalMapped('one'),
        'the terminal window is on the screen',
      );
      const toTerminal = performance.now() - t0;
      await new Promise(r => setTimeout(r, 1000));
      const state = stateOf('one');
      const pids = [
        ...processTree(state.xvnc.pid),
        ...processTree(state.session.pid),
      ];
      expect(pids.map(commOf)).toEqual(
        expect.arrayContaining(['Xvnc', 'bwrap', 'openbox', 'xterm', 'bash']),
      );
      const rss = memoryKiB(pids, /VmRSS:\s+(\d+)/, 'status');
      const pss = memoryKiB(pids, /Pss:\s+(\d+)/, 'smaps_rollup');
      // eslint-disable-next-line no-console
      console.log(
        `local desktop 1024x768: create() to first framebuffer update ${toFirstFrame.toFixed(
          0,
        )} ms, ` +
          `to terminal on screen ${toTerminal.toFixed(0)} ms; idle memory of ${
            pids.length
          } processes ` +
          `RSS ${(rss / 1024).toFixed(1)} MiB (PSS ${(pss / 1024).toFixed(
            1,
          )} MiB)`,
      );

      // The state on disk names each process with its start time, and what the desktop is.
      expect(state).toMatchObject({
        geometry: '1024x768',
        owner: 'user:default/alice',
        desired: 'running',
      });
      for (const p of [state.xvnc, state.session, state.sandbox]) {
        expect(p).toEqual({
          pid: expect.any(Number),
          startTime: expect.any(Number),
        });
        expect(isAlive(p)).toBe(true);
      }
      // The VNC socket is reachable by its owner only, and Xvnc has no TCP socket.
      const socket = path.join(runOf('one'), 'vnc.sock');
      expect(fs.statSync(socket).mode & 0o777).toBe(0o600);
      expect(fs.statSync(runOf('one')).mode & 0o777).toBe(0o700);
      expect(fs.statSync(homeOf('one')).mode & 0o777).toBe(0o700);
      const tcpInodes = ['/proc/net/tcp', '/proc/net/tcp6']
        .flatMap(f => fs.readFileSync(f, 'utf8').split('\n').slice(1))
        .map(line => line.trim().split(/\s+/)[9])
        .filter(Boolean);
      const xvncSockets = fs
        .readdirSync(`/proc/${state.xvnc.pid}/fd`)
        .map(
          fd =>
            /socket:\[(\d+)\]/.exec(
              fs.readlinkSync(`/proc/${state.xvnc.pid}/fd/${fd}`),
            )?.[1],
        )
        .filter(Boolean);
      expect(xvncSockets.length).toBeGreaterThan(0);
      expect(xvncSockets.filter(i => tcpInodes.includes(i!))).toEqual([]);
    });

    it("lets no X client in without the desktop's cookie", () => {
      const { XAUTHORITY: _cookie, ...withoutCookie } = xEnv('one');
      const refused = spawnSync('xdpyinfo', [], {
        env: withoutCookie,
        encoding: 'utf8',
      });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(
        /Authorization required|unable to open display/,
      );
      expect(spawnSync('xdpyinfo', [], { env: xEnv('one') }).status).toBe(0);
    });

    it('refuses Windows orders, bad sizes and taken names, leaving nothing behind', async () => {
      await expect(
        provider.create(
          spec('win', {
            image: { name: 'windows-11', title: 'Windows 11', os: 'windows' },
          }),
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /Windows desktops need the KubeVirt provider.*workspaces\.kubevirt\.clusters/,
        ),
      });
      await expect(
        provider.create(
          spec('wide', {
            size: { name: 'odd', title: 'Odd', geometry: '99999x1' },
          }),
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/geometry '99999x1'/),
      });
      await expect(
        provider.create(
          spec('few', {
            size: { name: 'tiny', title: 'Tiny', maxProcesses: 2 },
          }),
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/maxProcesses/),
      });
      await expect(
        provider.create(spec('odd', { username: 'Root Admin' })),
      ).rejects.toMatchObject({ name: 'InputError' });
      await expect(
        provider.create(spec('other', { cluster: 'rke2-prod' })),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      expect(fs.readdirSync(dataDir)).toEqual(['one']);
      const xvnc = stateOf('one').xvnc;
      await expect(provider.create(spec('one'))).rejects.toMatchObject({
        name: 'ConflictError',
      });
      expect(stateOf('one').xvnc).toEqual(xvnc);
      expect(await provider.get(ref('nobody-here'))).toBeUndefined();
    });

    it('stops, unmounting and keeping the home, and starts again', async () => {
      expect(inDesktop('one', 'echo kept > ~/notes.txt').status).toBe(0);
      const before = stateOf('one');
      await provider.stop(ref('one'));
      expect((await provider.get(ref('one')))!.status).toEqual({
        phase: 'Stopped',
        ready: false,
      });
      for (const p of [before.xvnc, before.session, before.sandbox])
        expect(isAlive(p)).toBe(false);
      expect(fs.existsSync(path.join(runOf('one'), 'vnc.sock'))).toBe(false);
      expect(xLockHolder(before.display)).not.toBe(before.xvnc.pid);
      await expect(provider.openConsole(ref('one'))).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(/not running/),
      });
      // The home is unmounted: its folder is root's, closed and empty.
      expect(isMountPoint(homeOf('one'))).toBe(false);
      expect(fs.readdirSync(homeOf('one'))).toEqual([]);

      await provider.start(ref('one'));
      expect((await provider.get(ref('one')))!.status.phase).toBe('Running');
      expect(
        fs.readFileSync(path.join(homeOf('one'), 'notes.txt'), 'utf8'),
      ).toBe('kept\n');
      expect((await firstFrame('one')).width).toBe(1024);
      expect(inDesktop('one', 'cat ~/notes.txt').stdout).toBe('kept\n');
    });

    it('restarts with new processes', async () => {
      const before = stateOf('one');
      await provider.restart(ref('one'));
      const after = stateOf('one');
      expect(isAlive(before.xvnc)).toBe(false);
      expect(isAlive(before.sandbox)).toBe(false);
      expect(isAlive(after.xvnc)).toBe(true);
      expect(after.xvnc).not.toEqual(before.xvnc);
      expect((await firstFrame('one')).height).toBe(768);
      expect(xvncCount('one')).toBe(1);
    });

    it('shows a desktop whose Xvnc was killed as Failed with the reason, and starts it again', async () => {
      const { xvnc } = stateOf('one');
      process.kill(xvnc.pid, 'SIGKILL');
      await waitUntil(
        async () => (await provider.get(ref('one')))!.status.phase === 'Failed',
        'the desktop shows as failed',
      );
      const failed = (await provider.get(ref('one')))!.status;
      expect(failed).toMatchObject({
        ready: false,
        message: expect.stringMatching(/^Xvnc exited.*start it again$/),
      });
      await expect(provider.openConsole(ref('one'))).rejects.toMatchObject({
        name: 'ConflictError',
      });

      await provider.start(ref('one'));
      expect((await provider.get(ref('one')))!.status.phase).toBe('Running');
      expect((await firstFrame('one')).width).toBe(1024);
      expect(xvncCount('one')).toBe(1);
    });

    it('finds running desktops again after a backend restart, starting nothing twice', async () => {
      const before = stateOf('one');
      const again = await make();
      expect(
        (await again.list('local')).map(w => [w.name, w.status.phase]),
      ).toEqual([['one', 'Running']]);
      await again.start(ref('one'));
      expect(stateOf('one')).toEqual(before);
      expect(xvncCount('one')).toBe(1);
      const client = new RfbClient(
        socketTransport(await again.openConsole(ref('one'))),
      );
      await client.handshake();
      expect(client.width).toBe(1024);
      client.close();
    });

    it('keeps a desktop running when the backend process that made it exits, for the next one to adopt', async () => {
      const creator = spawnSync(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          path.join(__dirname, '__testUtils__', 'createDesktop.ts'),
          dataDir,
          'kept',
          String(displayBase),
          String(uidBase),
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(creator.stderr).not.toMatch(/Error/);
      expect(creator.status).toBe(0);
      const kept = stateOf('kept');
      expect([kept.xvnc, kept.session, kept.sandbox].map(isAlive)).toEqual([
        true,
        true,
        true,
      ]);
      // Sessions of their own: a Ctrl-C or hangup to the backend's terminal never reaches them.
      const sessionOf = (pid: number) => {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
      };
      expect(sessionOf(kept.xvnc.pid)).toBe(kept.xvnc.pid);
      expect(sessionOf(kept.session.pid)).toBe(kept.session.pid);
      expect(sessionOf(kept.sandbox.pid)).not.toBe(sessionOf(process.pid));
      expect((await provider.get(ref('kept')))!.status.phase).toBe('Running');
      expect(await firstFrame('kept')).toMatchObject({
        width: 800,
        height: 600,
      });
      await provider.delete(ref('kept'));
      expect([kept.xvnc, kept.session, kept.sandbox].map(isAlive)).toEqual([
        false,
        false,
        false,
      ]);
    });

    it('treats processes recorded before a reboot as gone: it signals none and takes a free display', async () => {
      // What a reboot leaves: a desktop meant to run, its home unmounted and
      // its cgroup gone, its pids now held by unrelated live processes (here
      // the test runner itself), its display by another desktop, and (a
      // state file copied by hand) the cgroup of another desktop.
      await provider.create(
        spec('ghost', { username: 'gus', owner: 'user:default/gus' }),
      );
      await provider.stop(ref('ghost'));
      const one = stateOf('one');
      const runner = processRef(process.pid);
      fs.writeFileSync(
        path.join(dataDir, 'ghost', 'state.json'),
        JSON.stringify({
          ...stateOf('ghost'),
          desired: 'running',
          bootId: 'an-earlier-boot',
          display: one.display,
          xvnc: runner,
          session: runner,
          sandbox: runner,
          cgroups: one.cgroups,
        }),
      );
      expect((await provider.get(ref('ghost')))!.status).toMatchObject({
        phase: 'Failed',
        message: expect.stringMatching(/machine restarted/),
      });

      await provider.start(ref('ghost'));
      const ghost = stateOf('ghost');
      expect(ghost.display).not.toBe(one.display);
      expect(ghost.xvnc.pid).not.toBe(process.pid);
      expect((await provider.get(ref('ghost')))!.status.phase).toBe('Running');
      expect((await provider.get(ref('one')))!.status.phase).toBe('Running');
      expect(xvncCount('ghost')).toBe(1);
      expect((one.cgroups ?? []).every(dir => fs.existsSync(dir))).toBe(true);
      await provider.delete(ref('ghost'));
    });

    it("keeps desktops from reading each other's files or signalling each other's processes", async () => {
      await provider.create(
        spec('two', {
          owner: 'user:default/bob',
          username: 'bob',
          size: { name: 'medium', title: 'Medium', maxProcesses: 40 },
        }),
      );
      await waitUntil(
        () => terminalMapped('two'),
        "the second desktop's terminal is on the screen",
      );
      const secret = path.join(homeOf('two'), 'secret.txt');
      fs.writeFileSync(secret, 'bob only');
      const two = stateOf('two');
      expect(two.geometry).toBe('1600x900');
      const twoXterm = processTree(two.session.pid).find(
        p => commOf(p) === 'xterm',
      )!;
      expect(twoXterm).toBeDefined();

      // Inside desktop one: the other desktop's files, processes and screen do not exist.
      const read = inDesktop('one', `cat ${secret}; ls ${dataDir}`);
      expect(read.status).not.toBe(0);
      expect(read.stdout).not.toContain('bob only');
      const signal = inDesktop(
        'one',
        `kill -0 ${twoXterm} || kill -0 ${two.xvnc.pid}`,
      );
      expect(signal.status).not.toBe(0);
      expect(signal.stderr).toMatch(/No such process/);
      const seen = inDesktop('one', 'cat /proc/[0-9]*/comm')
        .stdout.split('\n')
        .filter(Boolean);
      expect(seen).toEqual(expect.arrayContaining(['openbox', 'xterm']));
      expect(seen).not.toContain('Xvnc');
      expect(seen.length).toBeLessThan(12);
      const screen = inDesktop('one', `DISPLAY=:${two.display} xdpyinfo`);
      expect(screen.status).not.toBe(0);
      // Its own home is the only writable place; /tmp is private and in memory.
      expect(inDesktop('one', 'touch /usr/x').stderr).toMatch(
        /Read-only file system/,
      );
      expect(inDesktop('one', 'touch /etc/x').stderr).toMatch(
        /Read-only file system/,
      );
      expect(
        inDesktop('one', 'echo mine > ~/own.txt && echo t > /tmp/t && echo ok')
          .stdout,
      ).toBe('ok\n');
      expect(fs.readFileSync(path.join(homeOf('one'), 'own.txt'), 'utf8')).toBe(
        'mine\n',
      );
      expect(fs.existsSync('/tmp/t')).toBe(false);
      // No network but loopback.
      const interfaces = inDesktop('one', 'tail -n +3 /proc/net/dev')
        .stdout.trim()
        .split('\n');
      expect(interfaces.map(l => l.split(':')[0].trim())).toEqual(['lo']);
    });

    describeAsRoot('as root, with a user id per desktop', () => {
      const uidOwners = (uid: number) =>
        fs.readdirSync('/proc').filter(e => {
          try {
            return /^\d+$/.test(e) && fs.statSync(`/proc/${e}`).uid === uid;
          } catch {
            return false;
          }
        });

      it("runs every process of a desktop, Xvnc included, as the desktop's own user", () => {
        const one = stateOf('one');
        const two = stateOf('two');
        expect(one.uid).toBeGreaterThanOrEqual(uidBase);
        expect(two.uid).not.toBe(one.uid);
        const pids = [
          ...processTree(one.xvnc.pid),
          ...processTree(one.session.pid),
        ];
        expect(new Set(pids.map(p => fs.statSync(`/proc/${p}`).uid))).toEqual(
          new Set([one.uid]),
        );
        expect(fs.statSync(homeOf('one')).uid).toBe(one.uid);
      });

      it("keeps desktop one's user away from desktop two even outside the namespaces", () => {
        const uid = stateOf('one').uid;
        const twoXterm = processTree(stateOf('two').session.pid).find(
          p => commOf(p) === 'xterm',
        );
        const hostSide = spawnSync(
          '/bin/sh',
          [
            '-c',
            `cat ${path.join(
              homeOf('two'),
              'secret.txt',
            )}; kill -0 ${twoXterm}`,
          ],
          { uid, gid: uid, encoding: 'utf8' },
        );
        expect(hostSide.stdout).toBe('');
        expect(hostSide.stderr).toMatch(/Permission denied/);
        expect(hostSide.stderr).toMatch(/Operation not permitted/);
      });

      it("holds a desktop to its size's process limit", () => {
        const two = stateOf('two');
        const inside = processTree(two.session.pid).filter(p =>
          ['openbox', 'xterm', 'bash'].includes(commOf(p)),
        );
        expect(inside.length).toBe(3);
        for (const pid of inside) {
          expect(fs.readFileSync(`/proc/${pid}/limits`, 'utf8')).toMatch(
            /Max processes\s+40\s+40/,
          );
        }
        // A shell with the same limit, as the desktop's user in its namespaces, runs out of forks.
        const forkBomb = inDesktop(
          'two',
          'i=0; while [ $i -lt 80 ]; do sleep 3 & i=$((i+1)); done; echo all started',
          40,
        );
        expect(forkBomb.stdout).not.toContain('all started');
        expect(forkBomb.stderr).toMatch(/Cannot fork/);
        expect(uidOwners(two.uid).length).toBeLessThanOrEqual(40);
      });
    });

    it('deletes a desktop with its home folder, leaving no process behind', async () => {
      const two = stateOf('two');
      const processes = processTree(two.session.pid).map(processRef);
      expect(processes.length).toBeGreaterThanOrEqual(5);
      await provider.delete(ref('two'));
      expect(processes.filter(isAlive)).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, 'two'))).toBe(false);
      expect(xLockHolder(two.display)).not.toBe(two.xvnc.pid);
      expect(await provider.get(ref('two'))).toBeUndefined();
      await expect(provider.start(ref('two'))).rejects.toMatchObject({
        name: 'NotFoundError',
      });
      expect((await provider.list('local')).map(w => w.name)).toEqual(['one']);
    });
  },
);
