import fs from 'fs';

/** A process identified by pid and start time, so a reused pid is never mistaken for it. */
export interface ProcessRef {
  pid: number;
  startTime: number;
}

export function startTimeOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; fields follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

export function isAlive(ref: ProcessRef | undefined): boolean {
  if (!ref) return false;
  try {
    const stat = fs.readFileSync(`/proc/${ref.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie has exited; it only waits to be reaped.
    return fields[0] !== 'Z' && Number(fields[19]) === ref.startTime;
  } catch {
    return false;
  }
}

export function refOf(pid: number): ProcessRef {
  const startTime = startTimeOf(pid);
  if (startTime === undefined) throw new Error(`process ${pid} exited at once`);
  return { pid, startTime };
}

/** Resident memory of a process and all its descendants, in bytes. */
export function treeRss(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      continue;
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Signals a whole process group, then kills what is left after the grace period. */
export async function terminate(ref: ProcessRef | undefined, graceMs = 3000) {
  if (!isAlive(ref)) return;
  const { pid } = ref!;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const until = Date.now() + graceMs;
  while (isAlive(ref) && Date.now() < until) {
    await new Promise(r => setTimeout(r, 50));
  }
  if (isAlive(ref)) signal('SIGKILL');
  while (isAlive(ref)) {
    await new Promise(r => setTimeout(r, 20));
  }
}

/** Waits for a freshly spawned process to fork its first child. */
export async function firstChildOf(pid: number, timeoutMs = 5000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (children) return Number(children.split(' ')[0]);
    } catch {
      throw new Error(`process ${pid} exited before it started the sandbox`);
    }
    if (Date.now() > until) throw new Error(`process ${pid} started no sandbox within ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 10));
  }
}
