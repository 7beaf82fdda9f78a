import type { ChildProcess } from 'child_process';
import fs from 'fs';
import type { Readable } from 'stream';
import { ServiceUnavailableError } from '@backstage/errors';
import { PRLIMIT } from './binaries';
import { withKeymap } from './keymap';
import { DESKTOP_XDG_DIR } from './windowManagerConfig';

/** What one desktop's sandbox is made of. */
export interface SandboxSpec {
  hostname: string;
  display: number;
  /** The desktop's home folder on the host: the only writable place inside. */
  home: string;
  username: string;
  /** Host files made for this desktop: passwd, group, hosts and the X cookie. */
  passwdFile: string;
  groupFile: string;
  hostsFile: string;
  xauthorityFile: string;
  /** The desktop's openbox settings (see windowManagerConfig.ts). */
  openboxConfigFile: string;
  maxProcesses?: number;
  /** The largest the private /tmp may grow, in bytes; it lives in memory. */
  tmpBytes: number;
  command: string[];
}

// Debian merges /bin, /sbin and /lib* into /usr as symlinks; other systems
// keep them as folders. The sandbox shows them as the host has them.
const TOP_LEVEL_SYSTEM_DIRS = [
  'bin',
  'sbin',
  'lib',
  'lib32',
  'lib64',
  'libx32',
];

/**
 * What a desktop needs of the host's /etc, and nothing more: no service's
 * settings or secrets (a database's, a package manager's tokens) are in
 * sight. Its passwd, group and hosts are made for it (see accountFiles).
 */
const ETC_ENTRIES = [
  // The dynamic linker finds the multiarch libraries through its cache.
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'nsswitch.conf',
  'fonts',
  'ssl/certs',
  'ssl/openssl.cnf',
  'locale.alias',
  'default/locale',
  'localtime',
  'timezone',
  // Debian reaches awk, vi, editor and the like through these symlinks.
  'alternatives',
  // The window manager's menus, X programs' resources, the shell's start-up.
  'xdg',
  'X11/app-defaults',
  'bash.bashrc',
  'profile',
  'inputrc',
  'os-release',
  // A symlink into /proc, for df and the like.
  'mtab',
];

/** A host path as the host has it, read-only: a symlink stays one. Nothing when absent. */
async function mirror(host: string): Promise<string[]> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.lstat(host);
  } catch {
    return [];
  }
  return stat.isSymbolicLink()
    ? ['--symlink', await fs.promises.readlink(host), host]
    : ['--ro-bind', host, host];
}

/** Read-only views of the host system, the same for every desktop. */
export async function systemMounts(): Promise<string[]> {
  const hostPaths = [
    '/usr',
    ...TOP_LEVEL_SYSTEM_DIRS.map(dir => `/${dir}`),
    ...ETC_ENTRIES.map(entry => `/etc/${entry}`),
    // Without the system's font cache every terminal would scan all fonts on start.
    '/var/cache/fontconfig',
  ];
  return (await Promise.all(hostPaths.map(mirror))).flat();
}

/** Every namespace, and none nested inside: user namespaces are kernel attack surface a desktop never needs. */
export const NAMESPACES = [
  '--unshare-all',
  '--unshare-user',
  '--disable-userns',
];

/**
 * The bubblewrap arguments of one desktop. bwrap runs as the desktop's own
 * user, so it makes a user namespace and every other namespace with it:
 * mount (only the system, read-only, and this desktop's home), pid (its
 * processes see and signal only each other), ipc, uts, net (no network and
 * no abstract sockets, so no other X server is reachable) and cgroup.
 * `--new-session` detaches it from any terminal; there is deliberately no
 * `--die-with-parent`, because desktops outlive backend restarts.
 */
export function sandboxArgs(spec: SandboxSpec, mounts: string[]): string[] {
  const home = `/home/${spec.username}`;
  const xSocket = `/tmp/.X11-unix/X${spec.display}`;
  const limit = spec.maxProcesses
    ? [PRLIMIT, `--nproc=${spec.maxProcesses}`, '--']
    : [];
  return [
    ...NAMESPACES,
    '--new-session',
    '--hostname',
    spec.hostname,
    ...mounts,
    '--ro-bind',
    spec.passwdFile,
    '/etc/passwd',
    '--ro-bind',
    spec.groupFile,
    '/etc/group',
    '--ro-bind',
    spec.hostsFile,
    '/etc/hosts',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(spec.tmpBytes),
    '--tmpfs',
    '/tmp',
    '--dir',
    '/tmp/.X11-unix',
    '--ro-bind',
    xSocket,
    xSocket,
    '--ro-bind',
    spec.xauthorityFile,
    '/tmp/.Xauthority',
    '--ro-bind',
    spec.openboxConfigFile,
    `${DESKTOP_XDG_DIR}/openbox/rc.xml`,
    '--bind',
    spec.home,
    home,
    // Everything but the home and /tmp is read-only, the folders bubblewrap
    // made for the mounts above (/etc, /home) included.
    '--remount-ro',
    '/',
    '--chdir',
    home,
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/local/bin:/usr/bin:/bin',
    '--setenv',
    'HOME',
    home,
    '--setenv',
    'USER',
    spec.username,
    '--setenv',
    'LOGNAME',
    spec.username,
    '--setenv',
    'SHELL',
    '/bin/bash',
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--setenv',
    'DISPLAY',
    `:${spec.display}`,
    '--setenv',
    'XAUTHORITY',
    '/tmp/.Xauthority',
    '--setenv',
    'XDG_CONFIG_DIRS',
    `${DESKTOP_XDG_DIR}:/etc/xdg`,
    '--',
    ...limit,
    ...withKeymap(spec.command),
  ];
}

/** /etc/passwd, /etc/group and /etc/hosts inside the sandbox: root and the desktop's account, no one else's. */
export function accountFiles(
  username: string,
  uid: number,
  gid: number,
  hostname: string,
) {
  return {
    passwd: [
      'root:x:0:0:root:/root:/usr/sbin/nologin',
      `${username}:x:${uid}:${gid}:${username}:/home/${username}:/bin/bash`,
      '',
    ].join('\n'),
    group: ['root:x:0:', `${username}:x:${gid}:`, ''].join('\n'),
    hosts: [
      '127.0.0.1 localhost',
      '::1 localhost',
      `127.0.1.1 ${hostname}`,
      '',
    ].join('\n'),
  };
}

/**
 * The pid of the sandbox's first process, which bwrap started with
 * `--info-fd 3` reports as JSON on that pipe; `exitError` when bwrap exits
 * first.
 */
export function readSandboxPid(
  child: ChildProcess,
  timeoutMs: number,
  exitError: () => Error,
): Promise<number> {
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
          new ServiceUnavailableError(
            `The sandbox did not start within ${timeoutMs / 1000} s`,
          ),
        ),
      timeoutMs,
    );
    const exited = () => settle(exitError());
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
