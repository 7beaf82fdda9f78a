/*
 * What relaying costs, read from outside the relay: CPU seconds of a process
 * and its children (websockify forks one per connection) from /proc, split
 * into user and system time, and a V8 CPU profile summed into where the time
 * went. Shared by the relay and concurrency benchmarks and the relay profile.
 */
import fs from 'fs';
import path from 'path';

const TICK = 100; // USER_HZ on Linux

export interface CpuTime {
  user: number;
  system: number;
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap(tid =>
        fs
          .readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map(Number),
      );
  } catch {
    return [];
  }
}

/** User and system CPU seconds of a process and of every live descendant. */
export function treeCpu(pid: number): CpuTime {
  const total = { user: 0, system: 0 };
  const visit = (p: number) => {
    try {
      const stat = fs
        .readFileSync(`/proc/${p}/stat`, 'utf8')
        .split(') ')[1]
        .split(' ');
      total.user += Number(stat[11]) / TICK;
      total.system += Number(stat[12]) / TICK;
    } catch {
      return; // exited meanwhile
    }
    childrenOf(p).forEach(visit);
  };
  visit(pid);
  return total;
}

export function cpuSince(before: CpuTime, pid: number): CpuTime {
  const now = treeCpu(pid);
  return { user: now.user - before.user, system: now.system - before.system };
}

/**
 * Seconds the process's main thread (the event loop) has run, and has waited
 * runnable for a CPU (/proc/<pid>/schedstat): waiting that grows while a
 * benchmark runs means the machine, not the code, set the pace.
 */
export function schedTime(pid: number) {
  try {
    const [run, wait] = fs
      .readFileSync(`/proc/${pid}/schedstat`, 'utf8')
      .split(' ')
      .map(Number);
    return { run: run / 1e9, wait: wait / 1e9 };
  } catch {
    return { run: NaN, wait: NaN };
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

/** The part of the relay a sampled function belongs to. */
export function relayBucketOf(frame: { functionName: string; url: string }) {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'native (program)';
    // Native functions V8 names: writev, writeBuffer, readStart, ...
    return `native ${functionName.slice(0, 30)}`;
  }
  if (/node_modules\/ws\/lib\/(sender|websocket)/.test(url))
    return 'ws sending';
  if (/node_modules\/ws\/lib\/(receiver|buffer-util)/.test(url))
    return 'ws receiving';
  if (/node_modules\/ws\//.test(url)) return 'ws other';
  if (/^node:internal\/streams\//.test(url)) return 'node streams';
  if (/^node:(net|internal\/stream_base_commons)/.test(url))
    return 'node net (reads, writes)';
  if (/src\/console\//.test(url)) return 'relay (console/)';
  if (/src\/recording\//.test(url)) return 'recording tap';
  if (/^node:/.test(url)) return 'node other';
  return 'other JavaScript (Backstage, libraries)';
}

/**
 * Self milliseconds by bucket and the busiest functions of a .cpuprofile
 * file, counting only samples inside `windows` (monotonic microseconds, as
 * `process.hrtime` reads them in any process on the machine), so that the
 * backend's start does not count.
 */
export function summariseProfile(
  file: string,
  windows: Array<[number, number]> = [[0, Infinity]],
  top = 12,
) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
  };
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const buckets: Record<string, number> = {};
  const functions: Record<string, number> = {};
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (!windows.some(([from, to]) => at >= from && at <= to)) return;
    const node = byId.get(id);
    if (!node) return;
    const ms = delta / 1000;
    const bucket = relayBucketOf(node.callFrame);
    buckets[bucket] = (buckets[bucket] ?? 0) + ms;
    if (bucket === 'idle') return;
    const { functionName, url } = node.callFrame;
    const key = `${(functionName || '(anonymous)').slice(0, 40)} ${path
      .basename(url)
      .slice(0, 40)}`;
    functions[key] = (functions[key] ?? 0) + ms;
  });
  const busiest = Object.entries(functions)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  return { buckets, busiest };
}

/** The main thread's .cpuprofile in a folder, once the process has written it. */
export async function mainThreadProfile(dir: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const files = fs.existsSync(dir)
      ? fs.readdirSync(dir).filter(f => f.endsWith('.cpuprofile'))
      : [];
    if (files.length) {
      const newest = files
        .map(f => path.join(dir, f))
        // The main thread's profile is the largest; workers write their own.
        .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
      // Written in pieces at exit: whole once it parses.
      try {
        JSON.parse(fs.readFileSync(newest, 'utf8'));
        return newest;
      } catch {
        // still being written
      }
    }
    await new Promise(r => setTimeout(r, 200));
  }
  return undefined;
}
