import { ChildProcess, spawn } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { ServiceUnavailableError } from '@backstage/errors';
import { LocalBinaries, SETPRIV } from './binaries';
import { createCgroup, inCgroups } from './cgroups';
import { claimDisplay, xSocketPath } from './displays';
import type { DesktopState, DesktopStore } from './DesktopStore';
import type { HostFacts } from './hostChecks';
import type { HostLimits } from './hostLimits';
import { mountHomeImage } from './homeImage';
import { isAlive, processRef, sleep } from './processes';
import { accountFiles, readSandboxPid, sandboxArgs } from './sandbox';
import { openboxConfig, readHostOpenboxConfig } from './windowManagerConfig';
import { xauthorityEntry } from './xauthority';

const TMP_BYTES = 256 * 2 ** 20;
const START_TIMEOUT_MS = 10_000;
const DISPLAY_RETRIES = 5;

interface DesktopLauncherOptions {
  store: DesktopStore;
  binaries: LocalBinaries;
  host: HostFacts;
  limits: HostLimits;
  displayBase: number;
  displaysInUse: (except: string) => number[];
}

interface SessionFiles {
  passwdFile: string;
  groupFile: string;
  hostsFile: string;
  xauthorityFile: string;
  openboxConfigFile: string;
}

/** setpriv's way to become the desktop's user, as spawn's uid option does. */
const asUser = (uid: number, argv: string[]) => [
  SETPRIV,
  `--reuid=${uid}`,
  `--regid=${uid}`,
  '--clear-groups',
  '--',
  ...argv,
];

/**
 * Starts a desktop's processes: Xvnc on a free display, then the window
 * manager and terminal in the bubblewrap sandbox, recording each process in
 * the state file as soon as it exists so that a crash mid-start leaves
 * nothing unaccounted for.
 */
export class DesktopLauncher {
  constructor(private readonly options: DesktopLauncherOptions) {}

  async launch(state: DesktopState) {
    const { store, host } = this.options;
    await this.bound(state);
    const run = store.runDirOf(state.name);
    fs.rmSync(run, { recursive: true, force: true });
    fs.mkdirSync(run, { mode: 0o700 });
    store.giveToDesktop(run, state);
    const files: SessionFiles = {
      passwdFile: path.join(run, 'passwd'),
      groupFile: path.join(run, 'group'),
      hostsFile: path.join(run, 'hosts'),
      xauthorityFile: path.join(run, 'Xauthority'),
      openboxConfigFile: path.join(run, 'openbox-rc.xml'),
    };
    const accounts = accountFiles(
      state.username,
      state.uid,
      state.uid,
      state.name,
    );
    for (const [file, text] of [
      [files.passwdFile, accounts.passwd],
      [files.groupFile, accounts.group],
      [files.hostsFile, accounts.hosts],
      [files.openboxConfigFile, openboxConfig(readHostOpenboxConfig())],
    ]) {
      fs.writeFileSync(file, text, { mode: 0o600 });
      // Read inside the sandbox, as the desktop's user.
      store.giveToDesktop(file, state);
    }
    const cookie = crypto.randomBytes(16);
    state.bootId = host.bootId;
    state.startedAt = new Date().toISOString();

    const taken = new Set<number>();
    for (;;) {
      const claimed = new Set([
        ...this.options.displaysInUse(state.name),
        ...taken,
      ]);
      const display = claimDisplay(this.options.displayBase, claimed);
      fs.writeFileSync(files.xauthorityFile, xauthorityEntry(display, cookie), {
        mode: 0o600,
      });
      store.giveToDesktop(files.xauthorityFile, state);
      const outcome = await this.startXvnc(state, display, files);
      if (outcome === 'ready') break;
      // Another X server took the display between our check and its start.
      if (outcome === 'display-taken' && taken.size < DISPLAY_RETRIES) {
        taken.add(display);
        continue;
      }
      throw new ServiceUnavailableError(
        `Xvnc could not start on display :${display}${store.logTail(
          state.name,
          'xvnc.log',
        )}`,
      );
    }
    await this.startSession(state, files);
  }

  /**
   * Mounts the home image and makes the cgroup with the desktop's limits,
   * before any of its processes exists.
   */
  private async bound(state: DesktopState) {
    const { store, limits } = this.options;
    const image = store.homeImageOf(state.name);
    if (fs.existsSync(image)) {
      if (!limits.homeImages) {
        throw new ServiceUnavailableError(
          `The home of the local desktop '${state.name}' is a disk image, and this machine cannot mount it`,
        );
      }
      await mountHomeImage(image, store.homeOf(state.name));
    }
    if (state.limits && limits.cgroups.length) {
      state.cgroups = await createCgroup(
        limits.cgroups,
        store.cgroupNameOf(state.name),
        state.limits,
      );
      store.write(state);
    }
  }

  private spawnAsDesktop(
    state: DesktopState,
    command: string,
    args: string[],
    log: string,
    /** Pipes on fd 3 and up, after stdin and the log on stdout and stderr. */
    pipes: Array<'pipe'>,
  ): ChildProcess {
    const logFd = fs.openSync(
      path.join(this.options.store.runDirOf(state.name), log),
      'w',
      0o600,
    );
    try {
      // With cgroups, a root shell joins them first and setpriv becomes the
      // desktop's user; without, spawn becomes it.
      const cgroups = state.cgroups ?? [];
      const asRoot = this.options.host.asRoot;
      const argv = inCgroups(
        cgroups,
        asRoot && cgroups.length
          ? asUser(state.uid, [command, ...args])
          : [command, ...args],
      );
      const child = spawn(argv[0], argv.slice(1), {
        // Its own session: no signal to the backend's process group reaches it.
        detached: true,
        stdio: ['ignore', logFd, logFd, ...pipes],
        cwd: this.options.store.runDirOf(state.name),
        env: { PATH: '/usr/bin:/bin' },
        ...(asRoot && !cgroups.length
          ? { uid: state.uid, gid: state.uid }
          : {}),
      });
      child.on('error', () => undefined);
      child.unref();
      if (child.pid === undefined) {
        throw new ServiceUnavailableError(`${command} could not be started`);
      }
      return child;
    } finally {
      fs.closeSync(logFd);
    }
  }

  private async startXvnc(
    state: DesktopState,
    display: number,
    files: SessionFiles,
  ): Promise<'ready' | 'display-taken' | 'failed'> {
    const { store } = this.options;
    const socket = store.socketPathOf(state.name);
    // SecurityTypes None is safe here: the VNC socket is mode 0600 in a
    // 0700 folder of the desktop's user, which only the backend (root, or
    // that same user) opens; there is no TCP port; and the backend checks
    // the person's permission before it relays a single byte.
    const child = this.spawnAsDesktop(
      state,
      this.options.binaries.xvnc,
      [
        `:${display}`,
        '-geometry',
        state.geometry,
        '-depth',
        '24',
        '-rfbunixpath',
        socket,
        '-rfbunixmode',
        '0600',
        '-rfbport',
        '-1',
        '-nolisten',
        'tcp',
        '-SecurityTypes',
        'None',
        // Every connection comes from the backend over this one socket, so
        // TigerVNC's blacklist would take five aborted handshakes (a tab
        // closed while connecting) for an attack and lock everyone out.
        '-UseBlacklist=0',
        // A second viewer (a shared desktop, another tab) joins whatever its
        // ClientInit asks; taking the seat is the portal's decision, not Xvnc's.
        '-AlwaysShared=1',
        // The console's Fit mode asks for the browser window's size
        // (SetDesktopSize); RandR makes any size from the ordered geometry.
        '-AcceptSetDesktopSize=1',
        // X clients need the cookie too: other users of this machine can
        // reach the X socket in /tmp, desktops cannot reach each other's.
        '-auth',
        files.xauthorityFile,
        '-desktop',
        state.name,
      ],
      'xvnc.log',
      [],
    );
    state.display = display;
    state.xvnc = processRef(child.pid!);
    store.write(state);

    const until = Date.now() + START_TIMEOUT_MS;
    while (!(fs.existsSync(socket) && fs.existsSync(xSocketPath(display)))) {
      if (!isAlive(state.xvnc)) {
        const log = path.join(store.runDirOf(state.name), 'xvnc.log');
        return /already active|already in use|Cannot establish any listening sockets/i.test(
          fs.readFileSync(log, 'utf8'),
        )
          ? 'display-taken'
          : 'failed';
      }
      if (Date.now() > until) {
        throw new ServiceUnavailableError(
          `Xvnc did not open its sockets within ${START_TIMEOUT_MS / 1000} s`,
        );
      }
      await sleep(20);
    }
    return 'ready';
  }

  private async startSession(state: DesktopState, files: SessionFiles) {
    const { store, binaries, host } = this.options;
    const child = this.spawnAsDesktop(
      state,
      binaries.bwrap,
      [
        // bwrap reports the sandbox's first process on fd 3.
        '--info-fd',
        '3',
        ...sandboxArgs(
          {
            hostname: state.name,
            display: state.display!,
            home: store.homeOf(state.name),
            username: state.username,
            ...files,
            maxProcesses: state.maxProcesses,
            tmpBytes: TMP_BYTES,
            command: [binaries.windowManager, '--startup', binaries.terminal],
          },
          host.mounts,
        ),
      ],
      'session.log',
      ['pipe'],
    );
    state.session = processRef(child.pid!);
    store.write(state);
    const sandboxPid = await readSandboxPid(
      child,
      START_TIMEOUT_MS,
      () =>
        new ServiceUnavailableError(
          `The sandbox exited at start${store.logTail(
            state.name,
            'session.log',
          )}`,
        ),
    );
    state.sandbox = processRef(sandboxPid);
    store.write(state);
  }
}
