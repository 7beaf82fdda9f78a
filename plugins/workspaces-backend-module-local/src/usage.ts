import fs from 'fs';
import path from 'path';
import type { WorkspaceResourceUsage } from '@desktop-mania/plugin-workspaces-node';
import { cgroupProcs } from './cgroups';
import { isMountPoint } from './mounts';
import { sleep } from './processes';

/** What one reading of a desktop's counters gives. */
export interface UsageSample {
  /** CPU seconds used so far; only differences between samples mean anything. */
  cpuSeconds?: number;
  memoryBytes?: number;
  memoryLimitBytes?: number;
  diskBytes?: number;
  diskLimitBytes?: number;
  at: number;
}

// Clock ticks per second of /proc/<pid>/stat times: 100 on every Linux
// architecture Node runs on (USER_HZ).
const USER_HZ = 100;
// v1 writes "no limit" as the largest page-aligned 63-bit number.
const UNLIMITED = 2 ** 60;
/** A fresh desktop is sampled twice this far apart for its CPU rate. */
const WINDOW_MS = 500;
/** An earlier sample older than this says little about now. */
const STALE_MS = 60_000;

function readText(dir: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** `key value` lines, as memory.stat and cpu.stat have them. */
function readStat(dir: string, file: string): Map<string, number> {
  const stat = new Map<string, number>();
  for (const line of readText(dir, file)?.split('\n') ?? []) {
    const [key, value] = line.split(' ');
    stat.set(key, Number(value));
  }
  return stat;
}

function readNumber(dir: string, file: string): number | undefined {
  const text = readText(dir, file);
  if (text === undefined || text === 'max') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * CPU seconds from the cgroup's own counter: cpu.stat's usage_usec (v2) or
 * cpuacct.usage (v1, where cpuacct shares the cpu hierarchy). Where cpuacct
 * is mounted apart from cpu, desktops are not in a cpuacct cgroup, so their
 * processes' times from /proc are summed instead, with the time of children
 * they reaped (cutime, cstime); what a process that has already exited
 * unreaped used is lost there, so that reading may run low.
 */
function cpuSecondsOf(dirs: string[]): number | undefined {
  for (const dir of dirs) {
    const usec = readStat(dir, 'cpu.stat').get('usage_usec');
    if (usec !== undefined) return usec / 1e6;
    const ns = readNumber(dir, 'cpuacct.usage');
    if (ns !== undefined) return ns / 1e9;
  }
  const pids = dirs.length ? cgroupProcs(dirs[0]) : undefined;
  if (!pids) return undefined;
  let ticks = 0;
  for (const pid of pids) {
    const stat = readText('/proc', `${pid}/stat`);
    if (!stat) continue;
    // The command name may hold spaces and parentheses; fields follow its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14-17 of proc(5), 12-15 here.
    for (const i of [11, 12, 13, 14]) ticks += Number(fields[i]) || 0;
  }
  return ticks / USER_HZ;
}

/**
 * Memory the desktop's programs hold: usage without its inactive file cache,
 * which the kernel reclaims before it would kill anything at the limit (the
 * "working set" kubelet reports for containers, so the figure compares with
 * the KubeVirt desktops'). Without that, a desktop that once read a large
 * file would show near its limit for good.
 */
function memoryOf(dirs: string[]) {
  for (const dir of dirs) {
    const v2 = readNumber(dir, 'memory.current');
    const v1 = readNumber(dir, 'memory.usage_in_bytes');
    const usage = v2 ?? v1;
    if (usage === undefined) continue;
    const stat = readStat(dir, 'memory.stat');
    const inactive =
      (v2 !== undefined
        ? stat.get('inactive_file')
        : stat.get('total_inactive_file')) ?? 0;
    const limit = readNumber(
      dir,
      v2 !== undefined ? 'memory.max' : 'memory.limit_in_bytes',
    );
    return {
      memoryBytes: Math.max(0, usage - inactive),
      memoryLimitBytes:
        limit !== undefined && limit < UNLIMITED ? limit : undefined,
    };
  }
  return {};
}

/** The home image's filesystem, when the home is one; a plain folder has no size to compare with. */
async function diskOf(home: string) {
  if (!isMountPoint(home)) return {};
  const { blocks, bfree, bsize } = await fs.promises.statfs(home);
  return {
    diskBytes: (blocks - bfree) * bsize,
    diskLimitBytes: blocks * bsize,
  };
}

/** Reads a running desktop's cgroup counters and its home's filesystem once. */
export async function sampleUsage(
  cgroups: string[],
  home: string,
): Promise<UsageSample> {
  return {
    cpuSeconds: cpuSecondsOf(cgroups),
    ...memoryOf(cgroups),
    ...(await diskOf(home)),
    at: Date.now(),
  };
}

/**
 * The CPU rate needs two readings. Each desktop's last one is kept, so a
 * page that asks every 10 s gets the rate over those 10 s; a desktop not
 * asked about lately is read twice, half a second apart.
 */
export class UsageMeter {
  private readonly last = new Map<string, UsageSample>();

  constructor(
    private readonly sample: typeof sampleUsage = sampleUsage,
    private readonly windowMs = WINDOW_MS,
  ) {}

  async measure(
    name: string,
    cgroups: string[],
    home: string,
  ): Promise<WorkspaceResourceUsage> {
    let before = this.last.get(name);
    if (!before || Date.now() - before.at > STALE_MS) {
      before = await this.sample(cgroups, home);
      await sleep(this.windowMs);
    }
    const now = await this.sample(cgroups, home);
    this.last.set(name, now);
    const { cpuSeconds, at, ...rest } = now;
    const seconds = (now.at - before.at) / 1000;
    const cpuCores =
      cpuSeconds !== undefined && before.cpuSeconds !== undefined && seconds > 0
        ? Math.max(0, cpuSeconds - before.cpuSeconds) / seconds
        : undefined;
    return { ...rest, cpuCores, at: new Date(at).toISOString() };
  }

  /** Forgets a desktop that stopped, so its next start begins afresh. */
  forget(name: string) {
    this.last.delete(name);
  }
}
