import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { CgroupHierarchy, Controller } from './cgroups';
import { findCgroups } from './cgroupHost';
import { probeHomeImages } from './homeImage';

const LIMIT_NAMES: Record<Controller | 'disk', string> = {
  memory: 'memory limit',
  cpu: 'CPU limit',
  pids: 'process limit',
  disk: 'home size limit (diskGi)',
};

/** Which of a desktop's limits this machine enforces, found once at startup. */
export interface HostLimits {
  /** The hierarchies desktops' cgroups are made in; empty when none can be. */
  cgroups: CgroupHierarchy[];
  /** Homes are filesystem images of the ordered size. */
  homeImages: boolean;
  /** Each limit this machine cannot enforce, with the reason, in one line. */
  missing: string[];
  /** `workspaces.local.unbounded`: run desktops without the missing limits rather than refuse them. */
  unbounded: boolean;
}

/**
 * Probes what this machine can enforce: cgroups for memory, CPU and
 * processes, and loop-mounted images for homes (probed in `dataDir`, the
 * disk they would live on). Logs one line per limit it cannot enforce.
 */
export async function checkHostLimits(options: {
  dataDir: string;
  asRoot: boolean;
  unbounded: boolean;
  logger: LoggerService;
}): Promise<HostLimits> {
  const { dataDir, asRoot, unbounded, logger } = options;
  const [cgroups, homeProblem] = await Promise.all([
    findCgroups(),
    probeHomeImages(dataDir, asRoot),
  ]);
  const missing = [...cgroups.missing].map(
    ([controller, reason]) => `${LIMIT_NAMES[controller]} (${reason})`,
  );
  if (homeProblem) missing.push(`${LIMIT_NAMES.disk} (${homeProblem})`);
  const outcome = unbounded
    ? 'workspaces.local.unbounded is true, so desktops run without it'
    : 'local desktops are refused until it can be enforced or workspaces.local.unbounded is true';
  for (const limit of missing) {
    logger.warn(
      `This machine cannot enforce a local desktop's ${limit}; ${outcome}`,
    );
  }
  return {
    cgroups: cgroups.hierarchies,
    homeImages: !homeProblem,
    missing,
    unbounded,
  };
}

/**
 * Refuses, naming what is missing, to run a desktop whose limits this
 * machine cannot enforce, unless that is allowed. A desktop whose home is a
 * plain folder (made while unbounded was allowed) has no size limit either.
 */
export function assertEnforceable(
  limits: HostLimits,
  desktop?: { name: string; homeIsImage: boolean },
) {
  if (limits.unbounded) return;
  if (limits.missing.length) {
    throw new ServiceUnavailableError(
      `This machine cannot enforce a local desktop's ${limits.missing.join(
        '; ',
      )}; fix the machine or set workspaces.local.unbounded: true to run desktops without these limits`,
    );
  }
  if (desktop && !desktop.homeIsImage) {
    throw new ServiceUnavailableError(
      `The local desktop '${desktop.name}' has a home folder without a size limit (made before homes were disk images, or while workspaces.local.unbounded was true); copy its files out and order it again, or set workspaces.local.unbounded: true to start it`,
    );
  }
}
