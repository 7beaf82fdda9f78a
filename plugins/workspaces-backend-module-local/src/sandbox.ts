import fs from 'fs';
import { PRLIMIT } from './binaries';

/** What one desktop's sandbox is made of. */
export interface SandboxSpec {
  hostname: string;
  display: number;
  /** The desktop's home folder on the host: the only writable place inside. */
  home: string;
  username: string;
  /** Host files made for this desktop: passwd, group and the X cookie. */
  passwdFile: string;
  groupFile: string;
  xauthorityFile: string;
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

/** Read-only views of the host system, the same for every desktop. */
export async function systemMounts(): Promise<string[]> {
  const args = ['--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc'];
  for (const dir of TOP_LEVEL_SYSTEM_DIRS) {
    const host = `/${dir}`;
    let stat: fs.Stats;
    try {
      stat = await fs.promises.lstat(host);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) {
      args.push('--symlink', await fs.promises.readlink(host), host);
    } else if (stat.isDirectory()) {
      args.push('--ro-bind', host, host);
    }
  }
  // Without the system's font cache every terminal would scan all fonts on start.
  const fontCache = '/var/cache/fontconfig';
  if (
    await fs.promises.stat(fontCache).then(
      () => true,
      () => false,
    )
  ) {
    args.push('--ro-bind', fontCache, fontCache);
  }
  return args;
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
    '--bind',
    spec.home,
    home,
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
    '--',
    ...limit,
    ...spec.command,
  ];
}

/** /etc/passwd and /etc/group inside the sandbox: the desktop's account and nobody else's. */
export function accountFiles(username: string, uid: number, gid: number) {
  return {
    passwd: [
      'root:x:0:0:root:/root:/usr/sbin/nologin',
      `${username}:x:${uid}:${gid}:${username}:/home/${username}:/bin/bash`,
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      '',
    ].join('\n'),
    group: ['root:x:0:', `${username}:x:${gid}:`, 'nogroup:x:65534:', ''].join(
      '\n',
    ),
  };
}
