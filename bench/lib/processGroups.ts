/*
 * Servers a benchmark starts as process groups of their own (a backend, a
 * development server and the workers they fork), so that all of them stop
 * with the benchmark, and their CPU can be read to wait until they settle.
 */
import { spawn, ChildProcess, SpawnOptions } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

// One exit hook for every group and folder, so that the groups are stopped
// before the folders they work in are removed.
const atExit = { groups: [] as ChildProcess[], folders: [] as string[] };
let hooked = false;
function cleanUpAtExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const child of atExit.groups) stopGroup(child);
    for (const folder of atExit.folders)
      fs.rmSync(folder, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => process.exit(1));
  }
}

/** Sends `signal` to every process of `child`'s group. */
export function stopGroup(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Runs a command as the leader of a process group of its own, which stops when the benchmark exits, on a signal too. */
export function spawnGroup(
  command: string,
  args: string[],
  options: SpawnOptions,
) {
  cleanUpAtExit();
  const child = spawn(command, args, { ...options, detached: true });
  atExit.groups.push(child);
  return child;
}

/** The environment without the caller's APP_CONFIG_* overrides, which would reach a backend's config. */
export function withoutAppConfig(env: NodeJS.ProcessEnv) {
  return Object.fromEntries(
    Object.entries(env).filter(([k]) => !k.startsWith('APP_CONFIG_')),
  );
}

/**
 * A temporary folder and the process groups started in it. Everything stops
 * and the folder goes when the benchmark exits, on a signal, or after
 * `deadlineMs`.
 */
export function createWorkspace(name: string, deadlineMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  const logs: string[] = [];
  cleanUpAtExit();
  atExit.folders.push(dir);
  setTimeout(() => {
    process.stderr.write(`${name}: gave up after ${deadlineMs / 1000} s\n`);
    process.exit(1);
  }, deadlineMs).unref();

  const logFile = (label: string) => {
    const log = path.join(dir, `${label}.log`);
    logs.push(log);
    return log;
  };
  return {
    dir,
    /** A log file in the folder, whose end `lastLogLines` prints. */
    logFile,
    /** Runs a command in its own process group, without the caller's APP_CONFIG_* overrides; its output goes to a log that `lastLogLines` prints. */
    startGroup(
      label: string,
      cwd: string,
      command: string,
      args: string[],
      env: Record<string, string> = {},
    ) {
      const out = fs.openSync(logFile(label), 'w');
      return spawnGroup(command, args, {
        cwd,
        stdio: ['ignore', out, out],
        env: { ...withoutAppConfig(process.env), ...env },
      });
    },
    /** The end of every log, for an error report. */
    lastLogLines(lines = 15) {
      return logs
        .filter(l => fs.existsSync(l))
        .map(l => {
          const text = fs.readFileSync(l, 'utf8').trimEnd().split('\n');
          return `last lines of ${path.basename(l)}:\n${text
            .slice(-lines)
            .join('\n')}`;
        })
        .join('\n');
    },
  };
}

/** Whether `url` answers 2xx; throws once `server` has ended. */
export async function answers(url: string, server: ChildProcess) {
  if (server.exitCode !== null)
    throw new Error(
      `${url} ended before it answered (exit ${server.exitCode})`,
    );
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** CPU time of every process in a process group, in seconds, from /proc. */
function groupCpu(pgid: number) {
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const fields = fs
        .readFileSync(`/proc/${pid}/stat`, 'utf8')
        .split(') ')[1]
        .split(' ');
      if (Number(fields[2]) === pgid)
        ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended meanwhile
    }
  }
  return ticks / 100;
}

/** Waits, at most two minutes, for process groups to finish their start-up work, so they do not compete with what is measured. */
export async function settle(pgids: number[]) {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    const before = pgids.reduce((s, g) => s + groupCpu(g), 0);
    await new Promise(r => setTimeout(r, 3000));
    const after = pgids.reduce((s, g) => s + groupCpu(g), 0);
    if ((after - before) / 3 < 0.2) return;
  }
}
