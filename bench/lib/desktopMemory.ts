/*
 * What the memory benchmark reads: a local desktop's processes from /proc,
 * its cgroup's memory, and consoles opened as the browser opens them.
 */
import fs from 'fs';
import path from 'path';
import WebSocket from 'ws';
import type { Transport } from '@internal/test-support';
import { consoleEndpoint, PORTAL } from './portal';

export const read = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return ''; // the process ended while we read it
  }
};
const kib = (text: string, field: string) =>
  Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;

/**
 * The desktop's processes: the ones the provider recorded (Xvnc, the
 * sandbox) and all their descendants, with their RSS and PSS. Not by user
 * id alone: another backend's desktops on this machine may reuse it.
 */
export function desktopProcesses(roots: number[]) {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`).split(') ')[1]?.split(' ');
    if (stat) parent.set(Number(entry), Number(stat[1]));
  }
  const ours = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = parent.get(p))
      if (roots.includes(p)) return true;
    return false;
  };
  const rows: Array<{ pid: number; name: string; rss: number; pss: number }> =
    [];
  for (const pid of parent.keys()) {
    if (!ours(pid)) continue;
    const status = read(`/proc/${pid}/status`);
    rows.push({
      pid,
      name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?',
      rss: kib(status, 'VmRSS'),
      pss: kib(read(`/proc/${pid}/smaps_rollup`), 'Pss'),
    });
  }
  return rows;
}

/** memory.current of the desktop's cgroup (v2), if the provider made one. */
export function cgroupMemory(cgroups: string[] = []) {
  for (const dir of cgroups) {
    const text = read(path.join(dir, 'memory.current'));
    if (text) return Number(text);
  }
  return undefined;
}

/**
 * A console as the browser opens it. Only binary messages are RFB; the
 * proxy's text messages (which display is shown) are not for the RFB client.
 */
export function openConsole(name: string, token: string) {
  const { url, protocols } = consoleEndpoint(name, token);
  const ws = new WebSocket(url, protocols, {
    origin: PORTAL,
    perMessageDeflate: false,
  });
  const early: Buffer[] = [];
  let listener: ((d: Buffer) => void) | undefined;
  ws.on('message', (d: Buffer, binary) => {
    if (!binary) return;
    if (listener) listener(d);
    else early.push(d);
  });
  const transport: Transport = {
    send: d => ws.send(d),
    onData: l => {
      listener = l;
      early.splice(0).forEach(l);
    },
    close: () => ws.close(),
  };
  return new Promise<Transport>((resolve, reject) => {
    ws.once('open', () => resolve(transport));
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, r) =>
      reject(new Error(`upgrade refused: ${r.statusCode}`)),
    );
  });
}
