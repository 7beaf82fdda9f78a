/**
 * The programs a local desktop is made of.
 *
 * @public
 */
export interface LocalBinaries {
  xvnc: string;
  bwrap: string;
  /** Started as `<windowManager> --startup <terminal>`, as openbox takes it. */
  windowManager: string;
  /** A command line; its first word is the program. */
  terminal: string;
}

export const DEFAULT_BINARIES: LocalBinaries = {
  xvnc: '/usr/bin/Xvnc',
  bwrap: '/usr/bin/bwrap',
  windowManager: '/usr/bin/openbox',
  terminal: '/usr/bin/xterm -maximized -title terminal -fa Monospace -fs 11',
};

/** prlimit applies a size's process limit inside the sandbox. */
export const PRLIMIT = '/usr/bin/prlimit';
/** setpriv drops root for a desktop's user after the desktop's cgroup is joined. */
export const SETPRIV = '/usr/bin/setpriv';

/**
 * What makes and mounts home images (e2fsprogs and mount, present on every
 * Debian). Not required: without them homes cannot be size-limited, which
 * the provider reports and refuses like any other limit it cannot enforce.
 */
export const HOME_IMAGE_PROGRAMS = {
  mkfs: { path: '/sbin/mkfs.ext4', debianPackage: 'e2fsprogs' },
  mount: { path: '/bin/mount', debianPackage: 'mount' },
  umount: { path: '/bin/umount', debianPackage: 'mount' },
};

/** The defaults, with whatever the configuration names instead. */
export function resolveBinaries(
  overrides: Partial<LocalBinaries> = {},
): LocalBinaries {
  const binaries = { ...DEFAULT_BINARIES };
  for (const [key, value] of Object.entries(overrides)) {
    if (value) binaries[key as keyof LocalBinaries] = value;
  }
  return binaries;
}

interface RequiredProgram {
  path: string;
  debianPackage: string;
  /** The `workspaces.local` key that names another program instead, if any. */
  configKey?: string;
}

/** Every program a desktop runs, each with the Debian package that ships it. */
export function requiredPrograms(binaries: LocalBinaries): RequiredProgram[] {
  return [
    {
      path: binaries.xvnc,
      debianPackage: 'tigervnc-standalone-server',
      configKey: 'xvncPath',
    },
    {
      path: binaries.bwrap,
      debianPackage: 'bubblewrap',
      configKey: 'bwrapPath',
    },
    {
      path: binaries.windowManager,
      debianPackage: 'openbox',
      configKey: 'windowManagerPath',
    },
    {
      path: binaries.terminal.trim().split(/\s+/)[0],
      debianPackage: 'xterm',
      configKey: 'terminalCommand',
    },
    { path: PRLIMIT, debianPackage: 'util-linux' },
    { path: SETPRIV, debianPackage: 'util-linux' },
  ];
}
