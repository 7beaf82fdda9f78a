import { execFile } from 'child_process';
import fs from 'fs';
import { promisify } from 'util';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { LocalBinaries, requiredPrograms } from './binaries';
import { ensureSocketFolder } from './displays';
import { bootId, commandFailure } from './processes';
import { NAMESPACES, systemMounts } from './sandbox';

const NOBODY = 65534;
const PROBE_TIMEOUT_MS = 10_000;

/** What this machine is like: found once at startup, the same for every desktop. */
export interface HostFacts {
  /** Only root can give every desktop a user id of its own. */
  asRoot: boolean;
  bootId: string;
  /** Read-only views of the host system that every sandbox gets. */
  mounts: string[];
}

/** The programs that are missing, each with the Debian package that ships it. */
export async function missingPrograms(
  binaries: LocalBinaries,
): Promise<string[]> {
  const missing = await Promise.all(
    requiredPrograms(binaries).map(
      async ({ path, debianPackage, configKey }) => {
        try {
          await fs.promises.access(path, fs.constants.X_OK);
          return [];
        } catch {
          const alternative = configKey
            ? ` or set workspaces.local.${configKey}`
            : '';
          return [
            `${path} (install the Debian package '${debianPackage}'${alternative})`,
          ];
        }
      },
    ),
  );
  return missing.flat();
}

/** Fails at startup, not at the first order, when this kernel refuses the sandbox's namespaces. */
async function probeSandbox(bwrap: string, mounts: string[], asRoot: boolean) {
  try {
    await promisify(execFile)(
      bwrap,
      [...NAMESPACES, ...mounts, '--', '/bin/true'],
      {
        timeout: PROBE_TIMEOUT_MS,
        // As nobody: a desktop's own user id would count the probe as one of its processes.
        ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      },
    );
  } catch (error) {
    throw new ServiceUnavailableError(
      `bubblewrap cannot create the desktops' sandbox here (${commandFailure(
        error,
        PROBE_TIMEOUT_MS,
      )}); unprivileged user namespaces must be allowed (sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone=1 where it exists, kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu)`,
    );
  }
}

/**
 * Fails naming what to install or allow when this machine cannot run
 * desktops, and otherwise says what it is like.
 */
export async function checkHost(
  binaries: LocalBinaries,
  logger: LoggerService,
): Promise<HostFacts> {
  const missing = await missingPrograms(binaries);
  if (missing.length) {
    throw new ServiceUnavailableError(
      `The local desktop provider cannot run without ${missing.join('; ')}`,
    );
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await ensureSocketFolder();
  } else {
    logger.warn(
      "The backend does not run as root, so local desktops share its user id: they are isolated by namespaces only, and a size's maxProcesses counts every process of that user",
    );
  }
  const mounts = await systemMounts();
  await probeSandbox(binaries.bwrap, mounts, asRoot);
  return { asRoot, bootId: await bootId(), mounts };
}
