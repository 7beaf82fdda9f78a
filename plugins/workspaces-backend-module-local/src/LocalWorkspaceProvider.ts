import { spawn } from 'child_process';
import fs from 'fs';
import net from 'net';
import path from 'path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { WorkspaceStatus } from '@desktop-mania/plugin-workspaces-common';
import type {
  ProviderWorkspace,
  WorkspaceCreateSpec,
  WorkspaceProvider,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import { firstChildOf, isAlive, ProcessRef, refOf, terminate } from './processes';

export interface LocalBinaries {
  xvnc: string;
  bwrap: string;
  windowManager: string;
  terminal: string;
}

export const DEFAULT_BINARIES: LocalBinaries = {
  xvnc: '/usr/bin/Xvnc',
  bwrap: '/usr/bin/bwrap',
  windowManager: '/usr/bin/openbox',
  terminal: '/usr/bin/xterm',
};

const DEBIAN_PACKAGES: Record<keyof LocalBinaries, string> = {
  xvnc: 'tigervnc-standalone-server',
  bwrap: 'bubblewrap',
  windowManager: 'openbox',
  terminal: 'xterm',
};

const GEOMETRY_BY_SIZE: Record<string, string> = {
  small: '1280x800',
  medium: '1600x900',
  large: '1920x1080',
};

/** What the provider remembers of a desktop, in `<dataDir>/<name>/state.json`. */
interface DesktopState {
  name: string;
  owner: string;
  geometry: string;
  maxProcesses?: number;
  /** What the owner last asked for; a desktop that should run but doesn't has failed. */
  desired: 'running' | 'stopped';
  display?: number;
  xvnc?: ProcessRef;
  /** bwrap's outer process, which stays in the backend's namespaces. */
  session?: ProcessRef;
  /** The first process inside the sandbox; killing it ends every process there. */
  sandbox?: ProcessRef;
  createdAt: string;
}

/**
 * Runs each Linux desktop on this machine: TigerVNC's Xvnc on a unix socket
 * only the backend can open, and openbox with a terminal inside a bubblewrap
 * sandbox whose only writable place is the desktop's home folder. Desktops
 * are detached from the backend, so they keep running across its restarts
 * and are found again from their state files.
 */
export class LocalWorkspaceProvider implements WorkspaceProvider {
  readonly id = 'local';
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly options: {
      dataDir: string;
      clusterName: string;
      displayBase: number;
      binaries: LocalBinaries;
      logger: LoggerService;
    },
  ) {
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  }

  /** Fails with the Debian package to install when a binary is missing. */
  static checkBinaries(binaries: LocalBinaries) {
    for (const key of Object.keys(binaries) as Array<keyof LocalBinaries>) {
      try {
        fs.accessSync(binaries[key], fs.constants.X_OK);
      } catch {
        throw new InputError(
          `The local desktop provider needs ${binaries[key]}; install the Debian package '${DEBIAN_PACKAGES[key]}' or set workspaces.local.${key}Path`,
        );
      }
    }
  }

  getClusters() {
    return [{ name: this.options.clusterName, os: ['linux' as const] }];
  }

  private dir(name: string) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      throw new InputError(`'${name}' is not a valid desktop name`);
    }
    return path.join(this.options.dataDir, name);
  }

  private homeOf(name: string) {
    return path.join(this.dir(name), 'home');
  }

  /** The VNC socket; its folder is 0700, so only the backend's user reaches it. */
  socketPath(name: string) {
    return path.join(this.dir(name), 'run', 'vnc.sock');
  }

  private readState(name: string): DesktopState | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir(name), 'state.json'), 'utf8'));
    } catch {
      return undefined;
    }
  }

  private writeState(state: DesktopState) {
    const file = path.join(this.dir(state.name), 'state.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  }

  // Lifecycle calls on one desktop never interleave.
  private exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    this.locks.set(name, next);
    return next.finally(() => {
      if (this.locks.get(name) === next) this.locks.delete(name);
    });
  }

  private statusOf(state: DesktopState): WorkspaceStatus {
    if (state.desired === 'stopped') {
      return { phase: 'Stopped', ready: false };
    }
    const xvnc = isAlive(state.xvnc);
    const session = isAlive(state.session);
    if (xvnc && session) {
      return { phase: 'Running', ready: true, message: `display :${state.display}` };
    }
    if (!state.xvnc) return { phase: 'Starting', ready: false };
    return {
      phase: 'Failed',
      ready: false,
      message: !xvnc
        ? `Xvnc exited${this.logTail(state.name)}`
        : 'The desktop session (openbox) exited',
    };
  }

  private logTail(name: string): string {
    try {
      const lines = fs
        .readFileSync(path.join(this.dir(name), 'run', 'xvnc.log'), 'utf8')
        .split('\n')
        .filter(l => /error|fatal/i.test(l));
      return lines.length ? `: ${lines[lines.length - 1].trim()}` : '';
    } catch {
      return '';
    }
  }

  private toWorkspace(state: DesktopState): ProviderWorkspace {
    return {
      name: state.name,
      cluster: this.options.clusterName,
      owner: state.owner,
      status: this.statusOf(state),
    };
  }

  private checkCluster(cluster: string) {
    if (cluster !== this.options.clusterName) {
      throw new NotFoundError(`The local provider serves cluster '${this.options.clusterName}', not '${cluster}'`);
    }
  }

  async create(spec: WorkspaceCreateSpec): Promise<ProviderWorkspace> {
    this.checkCluster(spec.cluster);
    if (spec.image.os !== 'linux') {
      throw new InputError(
        'Windows desktops need the KubeVirt provider: configure workspaces.kubevirt.clusters and order on that cluster',
      );
    }
    return this.exclusive(spec.name, async () => {
      const dir = this.dir(spec.name);
      try {
        fs.mkdirSync(dir, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new ConflictError(`A local desktop named '${spec.name}' already exists`);
        }
        throw error;
      }
      fs.mkdirSync(this.homeOf(spec.name), { mode: 0o700 });
      const state: DesktopState = {
        name: spec.name,
        owner: spec.owner,
        geometry: spec.size.geometry ?? GEOMETRY_BY_SIZE[spec.size.name] ?? '1280x800',
        maxProcesses: spec.size.maxProcesses,
        desired: 'running',
        createdAt: new Date().toISOString(),
      };
      this.writeState(state);
      try {
        await this.launch(state);
      } catch (error) {
        // An order that fails leaves nothing behind.
        await this.kill(state);
        fs.rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      return this.toWorkspace(state);
    });
  }

  async get(ref: WorkspaceRef) {
    this.checkCluster(ref.cluster);
    const state = this.readState(ref.name);
    return state && this.toWorkspace(state);
  }

  async list(cluster: string) {
    this.checkCluster(cluster);
    return fs
      .readdirSync(this.options.dataDir)
      .map(name => this.readState(name))
      .filter((s): s is DesktopState => !!s)
      .map(s => this.toWorkspace(s));
  }

  private mustRead(ref: WorkspaceRef): DesktopState {
    this.checkCluster(ref.cluster);
    const state = this.readState(ref.name);
    if (!state) throw new NotFoundError(`No local desktop named '${ref.name}'`);
    return state;
  }

  async start(ref: WorkspaceRef) {
    await this.exclusive(ref.name, async () => {
      const state = this.mustRead(ref);
      if (state.desired === 'running' && isAlive(state.xvnc) && isAlive(state.session)) return;
      // Whatever is left of a failed run goes before a clean start.
      await this.kill(state);
      state.desired = 'running';
      this.writeState(state);
      await this.launch(state);
    });
  }

  async stop(ref: WorkspaceRef) {
    await this.exclusive(ref.name, async () => {
      const state = this.mustRead(ref);
      state.desired = 'stopped';
      await this.kill(state);
      this.writeState(state);
    });
  }

  async restart(ref: WorkspaceRef) {
    await this.stop(ref);
    await this.start(ref);
  }

  async delete(ref: WorkspaceRef) {
    await this.exclusive(ref.name, async () => {
      const state = this.mustRead(ref);
      await this.kill(state);
      fs.rmSync(this.dir(ref.name), { recursive: true, force: true });
    });
  }

  async openConsole(ref: WorkspaceRef) {
    const state = this.mustRead(ref);
    if (this.statusOf(state).phase !== 'Running') {
      throw new ConflictError(`The desktop '${ref.name}' is not running; start it first`);
    }
    const socket = net.connect(this.socketPath(ref.name));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  /** The session leader of a running desktop, for tests and measurements. */
  sessionPid(name: string): number | undefined {
    const state = this.readState(name);
    return isAlive(state?.session) ? state!.session!.pid : undefined;
  }

  /** The first process inside the desktop's sandbox. */
  sandboxPid(name: string): number | undefined {
    const state = this.readState(name);
    return isAlive(state?.sandbox) ? state!.sandbox!.pid : undefined;
  }

  xvncPid(name: string): number | undefined {
    const state = this.readState(name);
    return isAlive(state?.xvnc) ? state!.xvnc!.pid : undefined;
  }

  private async kill(state: DesktopState) {
    // The sandbox runs in its own session, out of reach of a process-group
    // signal; ending its pid namespace's first process ends all of them.
    if (isAlive(state.sandbox)) process.kill(state.sandbox!.pid, 'SIGKILL');
    await terminate(state.session);
    await terminate(state.xvnc);
    state.session = undefined;
    state.sandbox = undefined;
    state.xvnc = undefined;
    state.display = undefined;
    fs.rmSync(path.join(this.dir(state.name), 'run'), { recursive: true, force: true });
  }

  private claimedDisplays(except: string): Set<number> {
    const claimed = new Set<number>();
    for (const name of fs.readdirSync(this.options.dataDir)) {
      if (name === except) continue;
      const s = this.readState(name);
      if (s?.display !== undefined && isAlive(s.xvnc)) claimed.add(s.display);
    }
    return claimed;
  }

  private freeDisplay(name: string): number {
    const claimed = this.claimedDisplays(name);
    for (let n = this.options.displayBase; n < this.options.displayBase + 1000; n++) {
      if (claimed.has(n)) continue;
      if (fs.existsSync(`/tmp/.X${n}-lock`) || fs.existsSync(`/tmp/.X11-unix/X${n}`)) continue;
      return n;
    }
    throw new ConflictError('No free X display number for another local desktop');
  }

  private async launch(state: DesktopState) {
    const { binaries } = this.options;
    const run = path.join(this.dir(state.name), 'run');
    fs.mkdirSync(run, { recursive: true, mode: 0o700 });
    const display = this.freeDisplay(state.name);
    const socket = this.socketPath(state.name);
    const log = fs.openSync(path.join(run, 'xvnc.log'), 'a');
    // SecurityTypes None is safe here: the socket is 0600 in a 0700 folder
    // of the backend's user, no TCP port is opened, and the backend checks
    // the person's permission before it relays a single byte.
    const xvnc = spawn(
      binaries.xvnc,
      [
        `:${display}`,
        '-geometry', state.geometry,
        '-depth', '24',
        '-rfbunixpath', socket,
        '-rfbunixmode', '0600',
        '-rfbport', '-1',
        '-nolisten', 'tcp',
        '-SecurityTypes', 'None',
        '-desktop', state.name,
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    xvnc.unref();
    fs.closeSync(log);
    state.display = display;
    state.xvnc = refOf(xvnc.pid!);
    this.writeState(state);

    const until = Date.now() + 10_000;
    while (!(fs.existsSync(socket) && fs.existsSync(`/tmp/.X11-unix/X${display}`))) {
      if (!isAlive(state.xvnc)) throw new Error(`Xvnc exited at start${this.logTail(state.name)}`);
      if (Date.now() > until) throw new Error('Xvnc did not open its socket within 10 s');
      await new Promise(r => setTimeout(r, 25));
    }

    const session = spawn(binaries.bwrap, this.sandboxArgs(state, [
      binaries.windowManager,
      '--startup',
      `${binaries.terminal} -maximized -title terminal`,
    ]), {
      detached: true,
      stdio: 'ignore',
      env: { PATH: '/usr/bin:/bin' },
    });
    session.unref();
    state.session = refOf(session.pid!);
    this.writeState(state);
    const sandboxPid = await firstChildOf(session.pid!);
    state.sandbox = refOf(sandboxPid);
    this.writeState(state);
  }

  /**
   * The sandbox of one desktop: its own pid, mount, ipc, uts and network
   * namespaces; the system read-only; a private /tmp holding only
   * this desktop's X socket; and its home folder as the only writable place.
   */
  sandboxArgs(state: { name: string; display?: number; maxProcesses?: number }, command: string[]): string[] {
    const home = this.homeOf(state.name);
    // Run by root, bwrap makes no user namespace (xterm cannot set up its
    // pty inside one) and instead keeps only the capabilities xterm needs to
    // hand its pty over: no mounts, no ptrace, no raw devices. Run by anyone
    // else, bwrap needs a user namespace anyway.
    const namespaces =
      process.getuid?.() === 0
        ? [
            '--unshare-pid', '--unshare-ipc', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try',
            '--cap-drop', 'ALL',
            '--cap-add', 'CAP_CHOWN', '--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID',
          ]
        : ['--unshare-all'];
    const args = [
      ...namespaces,
      '--new-session',
      '--hostname', state.name,
      '--ro-bind', '/usr', '/usr',
      '--ro-bind', '/etc', '/etc',
      '--symlink', 'usr/bin', '/bin',
      '--symlink', 'usr/sbin', '/sbin',
      '--symlink', 'usr/lib', '/lib',
      '--symlink', 'usr/lib64', '/lib64',
      '--proc', '/proc',
      '--dev', '/dev',
      '--tmpfs', '/tmp',
      '--dir', '/tmp/.X11-unix',
      '--ro-bind', `/tmp/.X11-unix/X${state.display}`, `/tmp/.X11-unix/X${state.display}`,
      '--bind', home, '/home/desktop',
      '--chdir', '/home/desktop',
      '--setenv', 'HOME', '/home/desktop',
      '--setenv', 'USER', 'desktop',
      '--setenv', 'DISPLAY', `:${state.display}`,
      '--setenv', 'TERM', 'xterm-256color',
    ];
    const limit = state.maxProcesses
      ? ['/usr/bin/prlimit', `--nproc=${state.maxProcesses}`, '--']
      : [];
    return [...args, '--', ...limit, ...command];
  }
}
