import type { ExecFileException } from 'child_process';
import fs from 'fs';
import { ServiceUnavailableError } from '@backstage/errors';

/**
 * A process named by pid and start time (clock ticks after boot), so a pid
 * the kernel has handed to another program is never mistaken for it.
 */
export interface ProcessRef {
  pid: number;
  startTime: number;
}

/** Fields of /proc/<pid>/stat after the command name, which may hold spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The ref of a running process; throws when it already exited. */
export function processRef(pid: number): ProcessRef {
  const fields = statFields(pid);
  if (!fields) {
    throw new ServiceUnavailableError(`process ${pid} exited at once`);
  }
  return { pid, startTime: Number(fields[19]) };
}

export function isAlive(ref: ProcessRef | undefined): boolean {
  if (!ref) return false;
  const fields = statFields(ref.pid);
  // A zombie has exited and only waits for its parent to reap it.
  return !!fields && fields[0] !== 'Z' && Number(fields[19]) === ref.startTime;
}

/** Tells this boot from the next, so refs saved before a reboot never match. */
export async function bootId(): Promise<string> {
  const text = await fs.promises.readFile(
    '/proc/sys/kernel/random/boot_id',
    'utf8',
  );
  return text.trim();
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Resolves true once the process is gone, false when it outlives the wait. */
export async function waitForExit(ref: ProcessRef | undefined, ms: number) {
  const until = Date.now() + ms;
  while (isAlive(ref)) {
    if (Date.now() >= until) return false;
    await sleep(20);
  }
  return true;
}

/** SIGTERM, then SIGKILL once the grace period is over; resolves when the process is gone. */
export async function terminate(ref: ProcessRef | undefined, graceMs = 3000) {
  if (!ref || !isAlive(ref)) return;
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(ref.pid, signal);
    } catch {
      // exited meanwhile
    }
  };
  send('SIGTERM');
  if (await waitForExit(ref, graceMs)) return;
  send('SIGKILL');
  await waitForExit(ref, 5000);
}

/** Sends SIGKILL if the ref still names a live process. */
export function kill(ref: ProcessRef | undefined) {
  if (!ref || !isAlive(ref)) return;
  try {
    process.kill(ref.pid, 'SIGKILL');
  } catch {
    // exited meanwhile
  }
}

/** What a failed command said, in one line: its stderr, or how it ended. */
export function commandFailure(error: unknown, timeoutMs: number): string {
  const { stderr, killed, code, message } = error as ExecFileException & {
    stderr?: string;
  };
  if (stderr?.trim()) return stderr.trim().replace(/\s*\n\s*/g, '; ');
  if (killed) return `no answer within ${timeoutMs / 1000} s`;
  return typeof code === 'number' ? `exit ${code}` : message;
}
