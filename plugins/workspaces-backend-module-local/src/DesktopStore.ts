import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  DNS1123_LABEL,
  WorkspacePhase,
} from '@desktop-mania/plugin-workspaces-common';
import type { CgroupLimits } from './cgroups';
import { isMountPoint } from './mounts';
import type { ProcessRef } from './processes';

// Unix socket paths end at 107 bytes; the longest desktop name is 40.
const SOCKET_PATH_MAX = 107;
const LONGEST_NAME = 40;

/** What a desktop may use: its cgroup's limits and the size of its home. */
export interface DesktopLimits extends CgroupLimits {
  diskGi: number;
}

/** What the provider remembers of a desktop, in `<dataDir>/<name>/state.json`. */
export interface DesktopState {
  name: string;
  owner: string;
  createdBy: string;
  username: string;
  geometry: string;
  maxProcesses?: number;
  /** Absent in desktops made before limits were enforced. */
  limits?: DesktopLimits;
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
  /** The desktop's cgroup folders, one per hierarchy, while it runs. */
  cgroups?: string[];
}

export type NewDesktop = Pick<
  DesktopState,
  | 'name'
  | 'owner'
  | 'createdBy'
  | 'username'
  | 'geometry'
  | 'maxProcesses'
  | 'limits'
>;

/** Throws unless `name` fits a folder, a hostname and the VNC socket path's limit. */
export function checkDesktopName(name: string) {
  if (!DNS1123_LABEL.test(name) || name.length > LONGEST_NAME) {
    throw new InputError(`'${name}' is not a valid desktop name`);
  }
}

/**
 * Desktops on disk: one folder each under dataDir, with its state file, its
 * home and, while it runs, its runtime files; and the user ids they run as.
 */
export class DesktopStore {
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Desktops this backend is starting, stopping or deleting right now. */
  private readonly busy = new Map<string, WorkspacePhase>();

  static async open(options: {
    dataDir: string;
    asRoot: boolean;
    uidBase: number;
  }): Promise<DesktopStore> {
    const store = new DesktopStore(
      path.resolve(options.dataDir),
      options.asRoot,
      options.uidBase,
    );
    const longest = store.socketPathOf('x'.repeat(LONGEST_NAME));
    if (Buffer.byteLength(longest) > SOCKET_PATH_MAX) {
      throw new InputError(
        `workspaces.local.dataDir '${store.dataDir}' is too long: a desktop's VNC socket path would exceed the ${SOCKET_PATH_MAX} bytes unix sockets allow`,
      );
    }
    await fs.promises.mkdir(store.dataDir, { recursive: true, mode: 0o700 });
    if (options.asRoot) await store.makeReachableByDesktopUsers();
    return store;
  }

  private constructor(
    private readonly dataDir: string,
    private readonly asRoot: boolean,
    private readonly uidBase: number,
  ) {}

  /**
   * Desktop users must pass through the data folder to their own home and
   * runtime folders; 0711 lets them pass without listing other desktops.
   */
  private async makeReachableByDesktopUsers() {
    await fs.promises.chmod(this.dataDir, 0o711);
    for (let dir = path.dirname(this.dataDir); ; dir = path.dirname(dir)) {
      // eslint-disable-next-line no-bitwise
      if (!((await fs.promises.stat(dir)).mode & 0o001)) {
        throw new InputError(
          `workspaces.local.dataDir '${this.dataDir}' lies in '${dir}', which other users cannot pass through; desktops run as their own users and must reach their home folders (chmod o+x '${dir}' or choose another dataDir)`,
        );
      }
      if (dir === path.dirname(dir)) break;
    }
  }

  private dirOf(name: string) {
    checkDesktopName(name);
    return path.join(this.dataDir, name);
  }

  homeOf(name: string) {
    return path.join(this.dirOf(name), 'home');
  }

  /** The filesystem image mounted on the home, when the home is one. */
  homeImageOf(name: string) {
    return path.join(this.dirOf(name), 'home.img');
  }

  /**
   * The name of the desktop's cgroup: unique on this machine, because
   * backends with other data folders may have desktops of the same name.
   */
  cgroupNameOf(name: string) {
    const hash = crypto.createHash('sha256').update(this.dirOf(name));
    return `${name}-${hash.digest('hex').slice(0, 8)}`;
  }

  runDirOf(name: string) {
    return path.join(this.dirOf(name), 'run');
  }

  socketPathOf(name: string) {
    return path.join(this.runDirOf(name), 'vnc.sock');
  }

  read(name: string): DesktopState | undefined {
    try {
      return JSON.parse(
        fs.readFileSync(path.join(this.dirOf(name), 'state.json'), 'utf8'),
      );
    } catch {
      return undefined;
    }
  }

  write(state: DesktopState) {
    const file = path.join(this.dirOf(state.name), 'state.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), {
      mode: 0o600,
    });
    fs.renameSync(`${file}.tmp`, file);
  }

  all(): DesktopState[] {
    return fs
      .readdirSync(this.dataDir)
      .filter(name => DNS1123_LABEL.test(name))
      .map(name => this.read(name))
      .filter((s): s is DesktopState => !!s);
  }

  add(desktop: NewDesktop): DesktopState {
    const dir = this.dirOf(desktop.name);
    // A folder without state is what a crash during an earlier create left.
    fs.rmSync(dir, { recursive: true, force: true });
    const state: DesktopState = {
      ...desktop,
      uid: this.allocateUid(),
      desired: 'running',
      createdAt: new Date().toISOString(),
    };
    fs.mkdirSync(dir, { mode: 0o711 });
    // A portal started with umask 077 would leave its user unable to pass.
    fs.chmodSync(dir, 0o711);
    this.write(state);
    return state;
  }

  /** A home that is a plain folder on the data disk, without a size limit: only where images cannot be made and that is allowed. */
  makeHome(state: DesktopState) {
    const home = this.homeOf(state.name);
    fs.mkdirSync(home, { mode: 0o700 });
    this.giveToDesktop(home, state);
  }

  remove(name: string) {
    // Removing through a mounted home would empty it and leave the mount behind.
    if (isMountPoint(this.homeOf(name))) {
      throw new ServiceUnavailableError(
        `The home of the local desktop '${name}' is still mounted; it is not removed`,
      );
    }
    fs.rmSync(this.dirOf(name), { recursive: true, force: true });
  }

  /** Hands a folder or file to the desktop's user, who runs its processes. */
  giveToDesktop(file: string, state: DesktopState) {
    if (this.asRoot) fs.chownSync(file, state.uid, state.uid);
  }

  /** The last error line a desktop's program logged, as a suffix for a status message. */
  logTail(name: string, file: string): string {
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

  /** The first user id from uidBase that no desktop, account or process uses. */
  private allocateUid(): number {
    if (!this.asRoot) return process.getuid!();
    const used = new Set(this.all().map(s => s.uid));
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

  /** Lifecycle calls on one desktop never interleave; the one running shows as the desktop's phase. */
  exclusive<T>(
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

  busyPhase(name: string): WorkspacePhase | undefined {
    return this.busy.get(name);
  }
}
