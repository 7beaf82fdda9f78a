import { ChildProcess, spawn, spawnSync } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import net from 'net';
import path from 'path';
import type { Readable } from 'stream';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  DNS1123_LABEL,
  WorkspacePhase,
  WorkspaceStatus,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleOptions,
  ProviderWorkspace,
  WorkspaceCreateSpec,
  WorkspaceProvider,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import { checkBinaries, DEFAULT_BINARIES, LocalBinaries } from './binaries';
import {
  claimDisplay,
  ensureSocketFolder,
  reclaimDisplay,
  xSocketPath,
} from './displays';
import {
  bootId,
  isAlive,
  kill,
  processRef,
  ProcessRef,
  sleep,
  terminate,
  waitForExit,
} from './processes';
import { accountFiles, NAMESPACES, sandboxArgs, systemMounts } from './sandbox';
import { xauthorityEntry } from './xauthority';

/** Screens of the usual size names, for sizes that configure no geometry. */
const GEOMETRY_BY_SIZE: Record<string, string> = {
  small: '1280x800',
  medium: '1600x900',
  large: '1920x1080',
};
const DEFAULT_GEOMETRY = GEOMETRY_BY_SIZE.small;
const USERNAME = /^[a-z_][a-z0-9_-]{0,31}$/;
// Unix socket paths end at 107 bytes; the longest desktop name is 40.
const SOCKET_PATH_MAX = 107;
const LONGEST_NAME = 40;
const TMP_BYTES = 256 * 2 ** 20;
const START_TIMEOUT_MS = 10_000;
const NOBODY = 65534;

/** @public */
export interface LocalWorkspaceProviderOptions {
  /** Holds one folder per desktop: its state, its home and its runtime files. */
  dataDir: string;
  clusterName?: string;
  /** The first X display number desktops may take. Default 20. */
  displayBase?: number;
  /** The first of the user ids desktops run as when the backend runs as root. */
  uidBase?: number;
  binaries?: Partial<LocalBinaries>;
  logger: LoggerService;
}

/** What the provider remembers of a desktop, in `<dataDir>/<name>/state.json`. */
interface DesktopState {
  name: string;
  owner: string;
  createdBy: string;
  username: string;
  geometry: string;
  maxProcesses?: number;
  /** The user id every process of the desktop runs as on the host. */
  uid: number;
  /** What the owner last asked for; a desktop that should run and doesn't has failed. */
  desired: 'running' | 'stopped';
  createdAt: string;
  startedAt?: string;
  /** The boot the processes below were started in; refs of an earlier boot mean nothing. */
  bootId?: string;
  display?: number;
  xvnc?: ProcessRef;
  /** bwrap's outer process, which stays in the host's namespaces. */
  session?: ProcessRef;
  /** The first process of the sandbox's pid namespace; killing it ends every process there. */
  sandbox?: ProcessRef;
}

function parseGeometry(geometry: string, size: string): string {
  const match = /^(\d{3,4})x(\d{3,4})$/.exec(geometry);
  const [w, h] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (w < 320 || h < 200 || w > 7680 || h > 4320) {
    throw new InputError(
      `The screen geometry '${geometry}' of size '${size}' is not WIDTHxHEIGHT between 320x200 and 7680x4320`,
    );
  }
  return `${w}x${h}`;
}

/**
 * Runs each Linux desktop on this machine: TigerVNC's Xvnc on a unix socket
 * only the backend opens, and openbox with a terminal inside a bubblewrap
 * sandbox whose only writable place is the desktop's home folder. When the
 * backend runs as root every desktop also gets a user id of its own. Desktops
 * are detached from the backend: they keep running across its restarts and
 * are found again from their state files.
 * @public
 */
export class LocalWorkspaceProvider implements WorkspaceProvider {
  readonly id = 'local';
  private readonly dataDir: string;
  private readonly clusterName: string;
  private readonly displayBase: number;
  private readonly uidBase: number;
  private readonly binaries: LocalBinaries;
  private readonly logger: LoggerService;
  private readonly asRoot = process.getuid?.() === 0;
  private readonly mounts = systemMounts();
  private readonly boot = bootId();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Desktops this instance is starting, stopping or deleting right now. */
  private readonly busy = new Map<string, WorkspacePhase>();

  constructor(options: LocalWorkspaceProviderOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.clusterName = options.clusterName ?? 'local';
    this.displayBase = options.displayBase ?? 20;
    this.uidBase = options.uidBase ?? 1_900_000_000;
    this.binaries = { ...DEFAULT_BINARIES };
    for (const [key, value] of Object.entries(options.binaries ?? {})) {
      if (value) this.binaries[key as keyof LocalBinaries] = value;
    }
    this.logger = options.logger;
    checkBinaries(this.binaries);
    const longest = this.socketPathOf('x'.repeat(LONGEST_NAME));
    if (Buffer.byteLength(longest) > SOCKET_PATH_MAX) {
      throw new Error(
        `workspaces.local.dataDir '${this.dataDir}' is too long: a desktop's VNC socket path would exceed the ${SOCKET_PATH_MAX} bytes unix sockets allow`,
      );
    }
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    if (this.asRoot) {
      this.makeReachableByDesktopUsers();
      ensureSocketFolder();
    } else {
      this.logger.warn(
        "The backend does not run as root, so local desktops share its user id: they are isolated by namespaces only, and a size's maxProcesses counts every process of that user",
      );
    }
    this.checkSandbox();
    const running = this.states().filter(
      s => this.statusOf(s).phase === 'Running',
    );
    if (running.length) {
      this.logger.info(
        `Found ${running.length} running local desktop(s) again: ${running
          .map(s => s.name)
          .join(', ')}`,
      );
    }
  }

  /**
   * Desktop users must pass through the data folder to their own home and
   * runtime folders; 0711 lets them pass without listing other desktops.
   */
  private makeReachableByDesktopUsers() {
    fs.chmodSync(this.dataDir, 0o711);
    for (let dir = path.dirname(this.dataDir); ; dir = path.dirname(dir)) {
      // eslint-disable-next-line no-bitwise
      if (!(fs.statSync(dir).mode & 0o001)) {
        throw new Error(
          `workspaces.local.dataDir '${this.dataDir}' lies in '${dir}', which other users cannot pass through; desktops run as their own users and must reach their home folders (chmod o+x '${dir}' or choose another dataDir)`,
        );
      }
      if (dir === path.dirname(dir)) break;
    }
  }

  /** Fails at startup, not at the first order, when this kernel refuses the sandbox's namespaces. */
  private checkSandbox() {
    const probe = spawnSync(
      this.binaries.bwrap,
      [...NAMESPACES, ...this.mounts, '--', '/bin/true'],
      {
        encoding: 'utf8',
        timeout: 10_000,
        // As nobody: a desktop's own user id would count the probe as one of its processes.
        ...(this.asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      },
    );
    if (probe.status !== 0) {
      throw new Error(
        `bubblewrap cannot create the desktops' sandbox here (${(
          probe.stderr ||
          probe.error?.message ||
          `exit ${probe.status}`
        ).trim()}); unprivileged user namespaces must be allowed (sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone=1 where it exists, kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu)`,
      );
    }
  }

  getClusters() {
    return [{ name: this.clusterName, os: ['linux' as const] }];
  }

  private dirOf(name: string) {
    if (!DNS1123_LABEL.test(name) || name.length > LONGEST_NAME) {
      throw new InputError(`'${name}' is not a valid desktop name`);
    }
    return path.join(this.dataDir, name);
  }

  private homeOf(name: string) {
    return path.join(this.dirOf(name), 'home');
  }

  private runDirOf(name: string) {
    return path.join(this.dirOf(name), 'run');
  }

  private socketPathOf(name: string) {
    return path.join(this.dataDir, name, 'run', 'vnc.sock');
  }

  private readState(name: string): DesktopState | undefined {
    try {
      return JSON.parse(
        fs.readFileSync(path.join(this.dirOf(name), 'state.json'), 'utf8'),
      );
    } catch {
      return undefined;
    }
  }

  private writeState(state: DesktopState) {
    const file = path.join(this.dirOf(state.name), 'state.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), {
      mode: 0o600,
    });
    fs.renameSync(`${file}.tmp`, file);
  }

  private states(): DesktopState[] {
    return fs
      .readdirSync(this.dataDir)
      .filter(name => DNS1123_LABEL.test(name))
      .map(name => this.readState(name))
      .filter((s): s is DesktopState => !!s);
  }

  // Lifecycle calls on one desktop never interleave.
  private exclusive<T>(
    name: string,
    phase: WorkspacePhase,
    fn: () => Promise<T>,
  ): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => {
        this.busy.set(name, phase);
        return fn();
      })
      .finally(() => this.busy.delete(name));
    this.locks.set(name, next);
    return next.finally(() => {
      if (this.locks.get(name) === next) this.locks.delete(name);
    });
  }

  /** Refs saved in an earlier boot may name unrelated processes now. */
  private fromThisBoot(state: DesktopState) {
    return state.bootId === this.boot;
  }

  private processesLive(state: DesktopState) {
    const thisBoot = this.fromThisBoot(state);
    return {
      xvnc: thisBoot && isAlive(state.xvnc),
      sandbox: thisBoot && isAlive(state.sandbox),
    };
  }

  private statusOf(state: DesktopState): WorkspaceStatus {
    const busy = this.busy.get(state.name);
    if (busy) return { phase: busy, ready: false };
    if (state.desired === 'stopped') return { phase: 'Stopped', ready: false };
    const failed = (message: string): WorkspaceStatus => ({
      phase: 'Failed',
      ready: false,
      message: `${message}; start it again`,
    });
    if (!state.xvnc) return failed('The desktop did not finish starting');
    if (!this.fromThisBoot(state))
      return failed('The machine restarted since the desktop last ran');
    const live = this.processesLive(state);
    if (!live.xvnc)
      return failed(`Xvnc exited${this.logTail(state.name, 'xvnc.log')}`);
    if (!live.sandbox) {
      return failed(
        `The desktop session exited (its window manager and terminal are gone)${this.logTail(
          state.name,
          'session.log',
        )}`,
      );
    }
    return {
      phase: 'Running',
      ready: true,
      message: `display :${state.display}`,
    };
  }

  /** The last error line a desktop's program logged, as a suffix for a status message. */
  private logTail(name: string, file: string): string {
    try {
      const lines = fs
        .readFileSync(path.join(this.runDirOf(name), file), 'utf8')
        .split('\n')
        .filter(l => /error|fatal|fail|cannot|can't/i.test(l));
      return lines.length ? ` (${lines[lines.length - 1].trim()})` : '';
    } catch {
      return '';
    }
  }

  private toWorkspace(state: DesktopState): ProviderWorkspace {
    return {
      name: state.name,
      cluster: this.clusterName,
      owner: state.owner,
      status: this.statusOf(state),
    };
  }

  private checkCluster(cluster: string) {
    if (cluster !== this.clusterName) {
      throw new NotFoundError(
        `The local provider runs cluster '${this.clusterName}', not '${cluster}'`,
      );
    }
  }

  private mustRead(ref: WorkspaceRef): DesktopState {
    this.checkCluster(ref.cluster);
    const state = this.readState(ref.name);
    if (!state) throw new NotFoundError(`No local desktop named '${ref.name}'`);
    return state;
  }

  /** The first user id from uidBase that no desktop, account or process uses. */
  private allocateUid(): number {
    if (!this.asRoot) return process.getuid!();
    const used = new Set(this.states().map(s => s.uid));
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      used.add(Number(line.split(':')[2]));
    }
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        used.add(fs.statSync(`/proc/${entry}`).uid);
      } catch {
        // exited meanwhile
      }
    }
    let uid = this.uidBase;
    while (used.has(uid)) uid++;
    return uid;
  }

  /** Hands a folder or file to the desktop's user, who runs its processes. */
  private giveToDesktop(file: string, state: DesktopState) {
    if (this.asRoot) fs.chownSync(file, state.uid, state.uid);
  }

  async create(spec: WorkspaceCreateSpec): Promise<ProviderWorkspace> {
    this.checkCluster(spec.cluster);
    if (spec.image.os !== 'linux') {
      throw new InputError(
        `The local provider runs Linux desktops only; Windows desktops need the KubeVirt provider: configure a cluster under workspaces.kubevirt.clusters (with the @desktop-mania/plugin-workspaces-backend-module-kubevirt module) and order '${spec.image.name}' on it`,
      );
    }
    const dir = this.dirOf(spec.name);
    if (!USERNAME.test(spec.username)) {
      throw new InputError(
        `'${spec.username}' is not a valid account name: lowercase letters, digits, '_' and '-', starting with a letter or '_', at most 32`,
      );
    }
    const geometry = parseGeometry(
      spec.size.geometry ??
        GEOMETRY_BY_SIZE[spec.size.name] ??
        DEFAULT_GEOMETRY,
      spec.size.name,
    );
    const { maxProcesses } = spec.size;
    if (
      maxProcesses !== undefined &&
      !(Number.isInteger(maxProcesses) && maxProcesses >= 16)
    ) {
      throw new InputError(
        `maxProcesses of size '${spec.size.name}' must be a whole number of at least 16, not ${maxProcesses}`,
      );
    }
    const created = await this.exclusive(
      spec.name,
      'Provisioning',
      async () => {
        if (this.readState(spec.name)) {
          throw new ConflictError(
            `A local desktop named '${spec.name}' already exists`,
          );
        }
        // A folder without state is what a crash during an earlier create left.
        fs.rmSync(dir, { recursive: true, force: true });
        const state: DesktopState = {
          name: spec.name,
          owner: spec.owner,
          createdBy: spec.createdBy,
          username: spec.username,
          geometry,
          maxProcesses,
          uid: this.allocateUid(),
          desired: 'running',
          createdAt: new Date().toISOString(),
        };
        fs.mkdirSync(dir, { mode: 0o711 });
        this.writeState(state);
        try {
          const home = this.homeOf(spec.name);
          fs.mkdirSync(home, { mode: 0o700 });
          this.giveToDesktop(home, state);
          await this.launch(state);
        } catch (error) {
          // A failed order leaves nothing behind.
          await this.halt(state);
          fs.rmSync(dir, { recursive: true, force: true });
          throw error;
        }
        this.logger.info(
          `Started local desktop '${state.name}' on display :${state.display} as uid ${state.uid}`,
        );
        return state;
      },
    );
    return this.toWorkspace(created);
  }

  async get(ref: WorkspaceRef) {
    if (ref.cluster !== this.clusterName) return undefined;
    const state = this.readState(ref.name);
    return state && this.toWorkspace(state);
  }

  async list(cluster: string) {
    this.checkCluster(cluster);
    return this.states().map(s => this.toWorkspace(s));
  }

  async start(ref: WorkspaceRef) {
    await this.exclusive(ref.name, 'Starting', async () => {
      const state = this.mustRead(ref);
      const live = this.processesLive(state);
      if (state.desired === 'running' && live.xvnc && live.sandbox) return;
      // What is left of a failed run goes before a clean start, so no
      // second Xvnc ever serves the same desktop.
      await this.halt(state);
      state.desired = 'running';
      this.writeState(state);
      await this.launch(state);
    });
  }

  async stop(ref: WorkspaceRef) {
    await this.exclusive(ref.name, 'Stopping', async () => {
      const state = this.mustRead(ref);
      state.desired = 'stopped';
      await this.halt(state);
    });
  }

  async restart(ref: WorkspaceRef) {
    await this.exclusive(ref.name, 'Starting', async () => {
      const state = this.mustRead(ref);
      await this.halt(state);
      state.desired = 'running';
      this.writeState(state);
      await this.launch(state);
    });
  }

  async delete(ref: WorkspaceRef) {
    await this.exclusive(ref.name, 'Terminating', async () => {
      const state = this.mustRead(ref);
      await this.halt(state);
      fs.rmSync(this.dirOf(ref.name), { recursive: true, force: true });
    });
  }

  async openConsole(ref: WorkspaceRef, options?: ConsoleOptions) {
    const state = this.mustRead(ref);
    const status = this.statusOf(state);
    if (status.phase !== 'Running') {
      throw new ConflictError(
        `The desktop '${ref.name}' is not running (${status.phase}${
          status.message ? `: ${status.message}` : ''
        }); start it first`,
      );
    }
    options?.signal?.throwIfAborted();
    const socket = net.connect(this.socketPathOf(ref.name));
    const abort = () => socket.destroy();
    options?.signal?.addEventListener('abort', abort, { once: true });
    socket.once('close', () =>
      options?.signal?.removeEventListener('abort', abort),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', error =>
        reject(
          new ConflictError(
            `The desktop '${ref.name}' refused the console`,
            error,
          ),
        ),
      );
    });
    return socket;
  }

  /**
   * Ends every process of the desktop. Xvnc goes first, so the window
   * manager and terminal exit as they would at logout; whatever is left in
   * the sandbox ends with its pid namespace.
   */
  private async halt(state: DesktopState) {
    if (this.fromThisBoot(state)) {
      await terminate(state.xvnc, 2000);
      if (!(await waitForExit(state.sandbox, 1000))) {
        kill(state.sandbox);
        await waitForExit(state.sandbox, 3000);
      }
      await terminate(state.session, 1000);
    }
    // A killed X server leaves its lock and socket behind.
    if (state.display !== undefined) reclaimDisplay(state.display);
    state.xvnc = undefined;
    state.session = undefined;
    state.sandbox = undefined;
    state.display = undefined;
    fs.rmSync(this.runDirOf(state.name), { recursive: true, force: true });
    this.writeState(state);
  }

  private spawnAsDesktop(
    state: DesktopState,
    command: string,
    args: string[],
    stdio: Array<'ignore' | 'pipe' | number>,
  ): ChildProcess {
    const child = spawn(command, args, {
      // Its own session: no signal to the backend's process group reaches it.
      detached: true,
      stdio,
      cwd: this.runDirOf(state.name),
      env: { PATH: '/usr/bin:/bin' },
      ...(this.asRoot ? { uid: state.uid, gid: state.uid } : {}),
    });
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined)
      throw new Error(`${command} could not be started`);
    return child;
  }

  private async launch(state: DesktopState) {
    const run = this.runDirOf(state.name);
    fs.rmSync(run, { recursive: true, force: true });
    fs.mkdirSync(run, { mode: 0o700 });
    this.giveToDesktop(run, state);
    const accounts = accountFiles(state.username, state.uid, state.uid);
    const passwdFile = path.join(run, 'passwd');
    const groupFile = path.join(run, 'group');
    fs.writeFileSync(passwdFile, accounts.passwd, { mode: 0o644 });
    fs.writeFileSync(groupFile, accounts.group, { mode: 0o644 });
    const xauthorityFile = path.join(run, 'Xauthority');
    const cookie = crypto.randomBytes(16);
    state.bootId = this.boot;
    state.startedAt = new Date().toISOString();

    const taken = new Set<number>();
    for (;;) {
      const claimed = new Set([...this.displaysInUse(state.name), ...taken]);
      const display = claimDisplay(this.displayBase, claimed);
      fs.writeFileSync(xauthorityFile, xauthorityEntry(display, cookie), {
        mode: 0o600,
      });
      this.giveToDesktop(xauthorityFile, state);
      const outcome = await this.startXvnc(state, display, xauthorityFile);
      if (outcome === 'ready') break;
      // Another X server took the display between our check and its start.
      if (outcome === 'display-taken' && taken.size < 5) {
        taken.add(display);
        continue;
      }
      throw new Error(
        `Xvnc could not start on display :${display}${this.logTail(
          state.name,
          'xvnc.log',
        )}`,
      );
    }
    await this.startSession(state, { passwdFile, groupFile, xauthorityFile });
  }

  private displaysInUse(except: string): number[] {
    return this.states()
      .filter(
        s =>
          s.name !== except &&
          s.display !== undefined &&
          this.processesLive(s).xvnc,
      )
      .map(s => s.display!);
  }

  private async startXvnc(
    state: DesktopState,
    display: number,
    xauthorityFile: string,
  ): Promise<'ready' | 'display-taken' | 'failed'> {
    const socket = this.socketPathOf(state.name);
    const logFile = path.join(this.runDirOf(state.name), 'xvnc.log');
    const log = fs.openSync(logFile, 'w', 0o600);
    let child: ChildProcess;
    try {
      // SecurityTypes None is safe here: the VNC socket is mode 0600 in a
      // 0700 folder of the desktop's user, which only the backend (root, or
      // that same user) opens; there is no TCP port; and the backend checks
      // the person's permission before it relays a single byte.
      child = this.spawnAsDesktop(
        state,
        this.binaries.xvnc,
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
          // X clients need the cookie too: other users of this machine can
          // reach the X socket in /tmp, desktops cannot reach each other's.
          '-auth',
          xauthorityFile,
          '-desktop',
          state.name,
        ],
        ['ignore', log, log],
      );
    } finally {
      fs.closeSync(log);
    }
    state.display = display;
    state.xvnc = processRef(child.pid!);
    this.writeState(state);

    const until = Date.now() + START_TIMEOUT_MS;
    while (!(fs.existsSync(socket) && fs.existsSync(xSocketPath(display)))) {
      if (!isAlive(state.xvnc)) {
        const text = fs.readFileSync(logFile, 'utf8');
        return /already active|already in use|Cannot establish any listening sockets/i.test(
          text,
        )
          ? 'display-taken'
          : 'failed';
      }
      if (Date.now() > until) {
        throw new Error(
          `Xvnc did not open its sockets within ${START_TIMEOUT_MS / 1000} s`,
        );
      }
      await sleep(20);
    }
    return 'ready';
  }

  private async startSession(
    state: DesktopState,
    files: { passwdFile: string; groupFile: string; xauthorityFile: string },
  ) {
    const log = fs.openSync(
      path.join(this.runDirOf(state.name), 'session.log'),
      'w',
      0o600,
    );
    let child: ChildProcess;
    try {
      child = this.spawnAsDesktop(
        state,
        this.binaries.bwrap,
        [
          // bwrap reports the sandbox's first process on fd 3.
          '--info-fd',
          '3',
          ...sandboxArgs(
            {
              hostname: state.name,
              display: state.display!,
              home: this.homeOf(state.name),
              username: state.username,
              ...files,
              maxProcesses: state.maxProcesses,
              tmpBytes: TMP_BYTES,
              command: [
                this.binaries.windowManager,
                '--startup',
                this.binaries.terminal,
              ],
            },
            this.mounts,
          ),
        ],
        ['ignore', log, log, 'pipe'],
      );
    } finally {
      fs.closeSync(log);
    }
    state.session = processRef(child.pid!);
    this.writeState(state);
    const sandboxPid = await this.readSandboxPid(child, state.name);
    state.sandbox = processRef(sandboxPid);
    this.writeState(state);
  }

  private readSandboxPid(child: ChildProcess, name: string): Promise<number> {
    const info = child.stdio[3] as Readable;
    return new Promise<number>((resolve, reject) => {
      const cleanups: Array<() => void> = [];
      const settle = (outcome: { pid: number } | Error) => {
        cleanups.forEach(cleanup => cleanup());
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome.pid);
      };
      const timer = setTimeout(
        () =>
          settle(
            new Error(
              `The sandbox did not start within ${START_TIMEOUT_MS / 1000} s`,
            ),
          ),
        START_TIMEOUT_MS,
      );
      const exited = () =>
        settle(
          new Error(
            `The sandbox exited at start${this.logTail(name, 'session.log')}`,
          ),
        );
      child.once('exit', exited);
      let text = '';
      info.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        let pid: number;
        try {
          pid = Number(JSON.parse(text)['child-pid']);
        } catch {
          return; // not the whole document yet
        }
        settle({ pid });
      });
      cleanups.push(
        () => clearTimeout(timer),
        () => child.removeListener('exit', exited),
        () => info.removeAllListeners('data').destroy(),
      );
    });
  }
}
