import fs from 'fs';

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

const REQUIREMENTS: Array<{
  program: (b: LocalBinaries) => string;
  debianPackage: string;
  configKey?: string;
}> = [
  {
    program: b => b.xvnc,
    debianPackage: 'tigervnc-standalone-server',
    configKey: 'xvncPath',
  },
  {
    program: b => b.bwrap,
    debianPackage: 'bubblewrap',
    configKey: 'bwrapPath',
  },
  {
    program: b => b.windowManager,
    debianPackage: 'openbox',
    configKey: 'windowManagerPath',
  },
  {
    program: b => b.terminal.trim().split(/\s+/)[0],
    debianPackage: 'xterm',
    configKey: 'terminalCommand',
  },
  { program: () => PRLIMIT, debianPackage: 'util-linux' },
];

/** The programs that are missing, each with the Debian package that ships it. */
export function missingBinaries(binaries: LocalBinaries): string[] {
  return REQUIREMENTS.flatMap(({ program, debianPackage, configKey }) => {
    const path = program(binaries);
    try {
      fs.accessSync(path, fs.constants.X_OK);
      return [];
    } catch {
      const alternative = configKey
        ? ` or set workspaces.local.${configKey}`
        : '';
      return [
        `${path} (install the Debian package '${debianPackage}'${alternative})`,
      ];
    }
  });
}

/** Fails with every missing program and the Debian package to install for it. */
export function checkBinaries(binaries: LocalBinaries) {
  const missing = missingBinaries(binaries);
  if (missing.length) {
    throw new Error(
      `The local desktop provider cannot run without ${missing.join('; ')}`,
    );
  }
}
