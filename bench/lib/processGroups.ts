/*
 * Servers a benchmark starts as process groups of their own (a backend, a
 * development server and the workers they fork), so that all of them stop
 * with the benchmark, and their CPU can be read to wait until they settle.
 */
import { spawn, ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

/**
 * A temporary folder and the process groups started in it. Everything stops
 * and the folder goes when the benchmark exits, on a signal, or after
 * `deadlineMs`.
 */
export function createWorkspace(name: string, deadlineMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  process.on('exit', () => {
    for (const child of children) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => process.exit(1));
  }
  setTimeout(() => {
    process.stderr.write(`${name}: gave up after ${deadlineMs / 1000} s\n`);
    process.exit(1);
  }, deadlineMs).unref();

  return {
    dir,
    /** Runs a command in its own process group, without the caller's APP_CONFIG_* overrides; its output goes to a log that `lastLogLines` prints. */
    startGroup(
      label: string,
      cwd: string,
      command: string,
      args: string[],
      env: Record<string, string> = {},
    ) {
      const log = path.join(dir, `${label}.log`);
      logs.push(log);
      const out = fs.openSync(log, 'w');
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => !k.startsWith('APP_CONFIG_'),
        ),
      );
      const child = spawn(command, args, {
        cwd,
        detached: true,
        stdio: ['ignore', out, out],
        env: { ...inherited, ...env },
      });
      children.push(child);
      return child;
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
