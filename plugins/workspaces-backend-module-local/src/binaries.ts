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
  ];
}
