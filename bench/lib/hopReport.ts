/*
 * Splits each key's latency (input-latency benchmark) at the relay's hops:
 * keydown in Chromium -> the relay reads the browser's socket (in) -> the
 * KeyEvent is written to the desktop's socket (key) -> the desktop's answer
 * is read (data) -> it goes out to the browser (send) -> noVNC has drawn it.
 * The middle three hops are timed within one process, so they are exact;
 * the first and the last compare Chromium's clock with Node's.
 */
import { fork } from 'child_process';
import fs from 'fs';
import path from 'path';
import { percentile } from '@internal/test-support';
import type { HopDump, HopEvent } from './relayHops';
import { waitFor } from './processes';

export interface KeySample {
  path: string;
  /** Keydown on the wall clock, ms. */
  downWall: number;
  drawn: number;
  painted: number;
  /** Where the page was in Xvnc's client list: 0 = served first. */
  served: number;
}

export const HOPS = [
  'down → in',
  'in → key',
  'key → data',
  'data → send',
  'send → drawn',
] as const;

/** The hops of one key, in ms, or undefined when an event is missing. */
export function hopsOf(sample: KeySample, events: HopEvent[]) {
  const end = sample.downWall + sample.drawn;
  const mine = events.filter(
    e => e.session === sample.path && e.t >= sample.downWall - 2 && e.t <= end,
  );
  const key = mine.find(e => e.kind === 'key');
  if (!key) return undefined;
  const input = mine.filter(e => e.kind === 'in' && e.t <= key.t).pop();
  const data = mine.find(e => e.kind === 'data' && e.t >= key.t);
  const send = data && mine.find(e => e.kind === 'send' && e.t >= data.t);
  if (!input || !data || !send) return undefined;
  return [
    input.t - sample.downWall,
    key.t - input.t,
    data.t - key.t,
    send.t - data.t,
    end - send.t,
  ];
}

/** Median of each hop per path, over the keys whose events were all found. */
export function hopTable(samples: KeySample[], events: HopEvent[]) {
  const paths = [...new Set(samples.map(s => s.path))];
  return paths.flatMap(p => {
    const hops = samples
      .filter(s => s.path === p)
      .map(s => hopsOf(s, events))
      .filter((h): h is number[] => h !== undefined);
    if (hops.length === 0) return [];
    const row: Record<string, string | number> = { path: p, keys: hops.length };
    HOPS.forEach((name, i) => {
      const sorted = hops.map(h => h[i]).sort((a, b) => a - b);
      row[`${name} p50`] = percentile(sorted, 50).toFixed(2);
      row[`${name} p99`] = percentile(sorted, 99).toFixed(2);
    });
    return [row];
  });
}

/** A process that dumps its hops on SIGUSR2 (relayHops.ts). */
export function hopSource(pid: number, file: string) {
  return {
    async collect(): Promise<HopDump> {
      fs.rmSync(file, { force: true });
      process.kill(pid, 'SIGUSR2');
      await waitFor(() => fs.existsSync(file), `hops of ${pid}`);
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    },
  };
}

/** Starts the bare relay (bareRelay.ts) in front of Xvnc's unix socket. */
export async function startBareRelay(socket: string, hopsFile: string) {
  // Not the backend's probe: the bare relay times its hops itself.
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_HOPS_FILE: hopsFile };
  delete env.NODE_OPTIONS;
  const child = fork(path.join(__dirname, 'bareRelay.ts'), [socket], {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: any) => m?.port && resolve(m.port));
    child.once('exit', code => reject(new Error(`bare relay exited ${code}`)));
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    hops: hopSource(child.pid!, hopsFile),
    stop: () => child.kill('SIGTERM'),
  };
}

/** The unix socket of the Xvnc serving `display`, from its command line. */
export function xvncSocketOf(display: string) {
  const lock = `/tmp/.X${display.replace(':', '')}-lock`;
  const pid = fs.readFileSync(lock, 'utf8').trim();
  const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return args[args.indexOf('-rfbunixpath') + 1];
}
