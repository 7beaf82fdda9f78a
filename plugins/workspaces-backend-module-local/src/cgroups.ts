import fs from 'fs';
import path from 'path';
import { ServiceUnavailableError } from '@backstage/errors';
import { sleep } from './processes';

export const CONTROLLERS = ['memory', 'cpu', 'pids'] as const;
export type Controller = (typeof CONTROLLERS)[number];

/** What a desktop's cgroup holds it to. */
export interface CgroupLimits {
  memoryBytes: number;
  /** CPUs' worth of time: 0.5 is half of one CPU, 2 is two whole ones. */
  cpus: number;
  /** Processes and threads together. */
  pids: number;
}

/** A cgroup hierarchy that desktops' cgroups are made in, and what it limits. */
export interface CgroupHierarchy {
  version: 1 | 2;
  controllers: Controller[];
  /** The cgroup folder that holds every desktop's cgroup in this hierarchy. */
  parent: string;
}

const CPU_PERIOD_US = 100_000;
const REMOVE_TIMEOUT_MS = 5000;

type Write = [file: string, value: string];

/**
 * The control files that set one controller's limits, in the order they
 * must be written; without `limits`, the values that lift them (the
 * startup probe writes those). `has` tells which optional files exist.
 */
export function limitWrites(
  version: 1 | 2,
  controller: Controller,
  limits: CgroupLimits | undefined,
  has: (file: string) => boolean,
): Write[] {
  const unlimited = version === 1 ? '-1' : 'max';
  if (controller === 'memory') {
    const bytes = limits ? String(limits.memoryBytes) : unlimited;
    if (version === 2) {
      // No swap either, so memory.max is all a desktop gets.
      const swap: Write[] = has('memory.swap.max')
        ? [['memory.swap.max', limits ? '0' : 'max']]
        : [];
      return [['memory.max', bytes], ...swap];
    }
    // memsw (memory plus swap) may never be below the memory limit, so it
    // is lifted first and set to the same value last: no swap beyond it.
    if (!has('memory.memsw.limit_in_bytes')) {
      return [['memory.limit_in_bytes', bytes]];
    }
    return [
      ['memory.memsw.limit_in_bytes', '-1'],
      ['memory.limit_in_bytes', bytes],
      ['memory.memsw.limit_in_bytes', bytes],
    ];
  }
  if (controller === 'cpu') {
    // The kernel takes no quota under 1 ms.
    const quota = limits
      ? String(Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US)))
      : unlimited;
    return version === 1
      ? [
          ['cpu.cfs_period_us', String(CPU_PERIOD_US)],
          ['cpu.cfs_quota_us', quota],
        ]
      : [['cpu.max', `${quota} ${CPU_PERIOD_US}`]];
  }
  return [['pids.max', limits ? String(limits.pids) : 'max']];
}

export async function writeLimits(
  dir: string,
  hierarchy: CgroupHierarchy,
  limits: CgroupLimits | undefined,
) {
  for (const controller of hierarchy.controllers) {
    const writes = limitWrites(hierarchy.version, controller, limits, file =>
      fs.existsSync(path.join(dir, file)),
    );
    for (const [file, value] of writes) {
      await fs.promises.writeFile(path.join(dir, file), value);
    }
  }
}

/**
 * Makes (or reuses) the cgroup `name` in every hierarchy and sets its
 * limits; returns its folders.
 */
export async function createCgroup(
  hierarchies: CgroupHierarchy[],
  name: string,
  limits: CgroupLimits,
): Promise<string[]> {
  const dirs: string[] = [];
  for (const hierarchy of hierarchies) {
    const dir = path.join(hierarchy.parent, name);
    try {
      await fs.promises.mkdir(dir, { recursive: true });
      await writeLimits(dir, hierarchy, limits);
    } catch (error) {
      throw new ServiceUnavailableError(
        `Could not set the limits of cgroup ${dir}: ${
          (error as Error).message
        }`,
      );
    }
    dirs.push(dir);
  }
  return dirs;
}

// Joins every cgroup.procs given before `--`, then becomes the command.
const JOIN_THEN_EXEC =
  'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';

/**
 * A command line that runs `argv` inside the cgroups `dirs`: a shell joins
 * them and then execs, so the program and everything it forks are inside
 * from its first instruction, with no moment to fork outside. The pid
 * stays the same through the exec.
 */
export function inCgroups(dirs: string[], argv: string[]): string[] {
  if (!dirs.length) return argv;
  return [
    '/bin/sh',
    '-c',
    JOIN_THEN_EXEC,
    'join-cgroups',
    ...dirs.map(d => path.join(d, 'cgroup.procs')),
    '--',
    ...argv,
  ];
}

/** The processes in a cgroup; undefined when it does not exist. */
export function cgroupProcs(dir: string): number[] | undefined {
  try {
    return fs
      .readFileSync(path.join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return undefined;
  }
}

/**
 * Ends whatever still runs in the cgroups and removes them. The kernel
 * refuses to remove a cgroup until its last process is reaped, so this
 * kills and retries for a while.
 */
export async function removeCgroup(dirs: string[]) {
  for (const dir of dirs) {
    const until = Date.now() + REMOVE_TIMEOUT_MS;
    for (;;) {
      const pids = cgroupProcs(dir);
      if (pids === undefined) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      try {
        await fs.promises.rmdir(dir);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (Date.now() > until) {
          throw new ServiceUnavailableError(
            `Could not remove cgroup ${dir}: ${pids.length} process(es) remain (${code})`,
          );
        }
      }
      await sleep(20);
    }
  }
}
