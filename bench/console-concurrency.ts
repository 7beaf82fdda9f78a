/*
 * Console concurrency: N authenticated console sessions through one backend
 * process, each asking the synthetic RFB server for a 32x32 raw tile 30
 * times a second (about 1 Mbit/s). Reports round-trip p50/p99 through the
 * portal and, as the baseline of the same run, straight to the synthetic
 * server with the same clients; the backend's CPU (user and system) per 100
 * sessions; drops and stalls; and the clients' own event-loop delay.
 * The sessions run in BENCH_CLIENT_PROCS client processes
 * (lib/concurrencyClient.ts). With BENCH_PIN=1 (the default where there are
 * two cores or more) the backend runs on core 0 and the clients and the
 * synthetic server on core 1 (taskset).
 * Run: bash bench/run.sh console-concurrency [100,500,1000]   (1000 at most)
 */
import { execFileSync, fork } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { percentile } from '@internal/test-support';
import {
  consoleEndpoint,
  PORTAL,
  processUsage,
  startPortal,
  startSyntheticServerProcess,
} from './lib/portal';
import type {
  ConcurrencyClientMessage,
  ConcurrencyClientOptions,
} from './lib/concurrencyClient';
import { cpuSince, schedTime, treeCpu } from './lib/relayCost';

const LEVELS = (process.argv[2] ?? process.env.BENCH_LEVELS ?? '100,200')
  .split(',')
  .map(n => Math.min(1000, Number(n)));
const PIN =
  (process.env.BENCH_PIN ?? (os.cpus().length >= 2 ? '1' : '0')) === '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENT_PROCS = Number(process.env.BENCH_CLIENT_PROCS ?? 2);
// 32x32 pixels at 4 bytes, 30 times a second: about 0.98 Mbit/s per session.
const TILE = Number(process.env.BENCH_TILE ?? 32);
const PER_SECOND = 30;

/** Puts a process (all its threads) on one core. */
function pin(pid: number, core: number) {
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], {
    stdio: 'ignore',
  });
}

function startClient(options: ConcurrencyClientOptions) {
  const child = fork(
    path.join(__dirname, 'lib', 'concurrencyClient.ts'),
    [JSON.stringify(options)],
    {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  if (PIN) pin(child.pid!, 1);
  const next = () =>
    new Promise<ConcurrencyClientMessage>((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new Error(`concurrency client exited ${code}`));
      child.once('exit', onExit);
      const onMessage = (m: any) => {
        // The TypeScript loader talks over IPC too; only ours have these keys.
        if (!m || !('opened' in m || 'result' in m)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m);
      };
      child.on('message', onMessage);
    });
  return { child, next };
}

async function run(
  mode: 'direct' | 'proxy',
  n: number,
  portal: Awaited<ReturnType<typeof startPortal>>,
  syntheticPort: number,
) {
  const { url, protocols } = consoleEndpoint('synth-1', portal.token);
  const clients = Array.from({ length: CLIENT_PROCS }, (_, i) =>
    startClient({
      mode,
      sessions: Math.floor(n / CLIENT_PROCS) + (i < n % CLIENT_PROCS ? 1 : 0),
      port: syntheticPort,
      url,
      protocols,
      origin: PORTAL,
      tile: TILE,
      perSecond: PER_SECOND,
    }),
  );
  const before = await processUsage(portal.pid);
  const opened = (await Promise.all(clients.map(c => c.next()))) as Array<{
    opened: number;
    failed: number;
  }>;
  const idle = await processUsage(portal.pid);
  const connected = opened.reduce((s, o) => s + o.opened, 0);
  const cpu0 = treeCpu(portal.pid);
  const sched0 = schedTime(portal.pid);
  const t0 = Date.now();
  const results = clients.map(c => c.next());
  clients.forEach(c => c.child.send({ run: { seconds: SECONDS } }));
  const done = (await Promise.all(results)).map(
    r => (r as Extract<ConcurrencyClientMessage, { result: unknown }>).result,
  );
  const elapsed = (Date.now() - t0) / 1000;
  const cpu = cpuSince(cpu0, portal.pid);
  const sched = schedTime(portal.pid);
  const after = await processUsage(portal.pid);
  clients.forEach(c => c.child.send({ close: true }));
  await Promise.all(
    clients.map(c => new Promise(resolve => c.child.once('exit', resolve))),
  );
  // Sessions end in the backend after the clients close them.
  await new Promise(r => setTimeout(r, 1000));
  const latencies = done.flatMap(d => d.latenciesMs).sort((a, b) => a - b);
  const bytes = done.reduce((s, d) => s + d.bytes, 0);
  const updates = latencies.length;
  return {
    mode,
    sessions: n,
    connected,
    failed: opened.reduce((s, o) => s + o.failed, 0),
    dropped: done.reduce((s, d) => s + d.dropped, 0),
    stalled: done.reduce((s, d) => s + d.stalled, 0),
    mbitPerSession: (bytes * 8) / elapsed / 1e6 / Math.max(1, connected),
    backendUserCores: cpu.user / elapsed,
    backendSystemCores: cpu.system / elapsed,
    // What one tile costs the backend, whether or not it kept up.
    backendUsPerUpdate: ((cpu.user + cpu.system) * 1e6) / Math.max(1, updates),
    // The event loop waiting, runnable, for a CPU: the machine's share.
    backendWaitMsPerS: ((sched.wait - sched0.wait) * 1000) / elapsed,
    rssPerSessionKiB:
      (idle.rssBytes - before.rssBytes) / Math.max(1, connected) / 1024,
    rssMiB: after.rssBytes / 2 ** 20,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
    clientLoopDelayP99ms: Math.max(...done.map(d => d.loopDelayP99Ms)),
    loadAverage: os.loadavg()[0],
  };
}

async function main() {
  const synthetic = await startSyntheticServerProcess();
  const portal = await startPortal({
    synth: `tcp:127.0.0.1:${synthetic.port}`,
  });
  if (PIN) {
    pin(portal.pid, 0);
    pin(process.pid, 1);
    pin(synthetic.pid, 1);
  }
  const rows = [];
  try {
    await portal.order('synth-1');
    for (const n of LEVELS) {
      process.stderr.write(`${n} sessions\n`);
      const direct = await run('direct', n, portal, synthetic.port);
      const proxy = await run('proxy', n, portal, synthetic.port);
      rows.push({ direct, proxy });
    }
  } finally {
    portal.stop();
    synthetic.close();
  }
  console.log(
    `\n${SECONDS} s per level, ~1 Mbit/s per session, one backend process, ${CLIENT_PROCS} client processes; ${
      PIN
        ? 'backend pinned to core 0, clients and synthetic server to core 1'
        : 'clients and synthetic server share the machine'
    }`,
  );
  console.table(
    rows.map(({ direct, proxy: r }) => ({
      sessions: r.sessions,
      connected: r.connected,
      'dropped/stalled': `${r.dropped + r.failed}/${r.stalled}`,
      'Mbit/s each': r.mbitPerSession.toFixed(2),
      'backend CPU user+sys (cores)': `${r.backendUserCores.toFixed(
        2,
      )}+${r.backendSystemCores.toFixed(2)}`,
      'backend CPU per 100 sessions': (
        ((r.backendUserCores + r.backendSystemCores) * 100) /
        Math.max(1, r.connected)
      ).toFixed(3),
      'backend µs per update': r.backendUsPerUpdate.toFixed(0),
      // 100 sessions at 30 tiles a second, had each got its 1 Mbit/s.
      'cores per 100 at 1 Mbit/s': (
        (r.backendUsPerUpdate * 100 * PER_SECOND) /
        1e6
      ).toFixed(2),
      'backend waited for CPU ms/s': r.backendWaitMsPerS.toFixed(0),
      'RSS per session KiB': r.rssPerSessionKiB.toFixed(0),
      'p50 ms': r.p50ms.toFixed(2),
      'p99 ms': r.p99ms.toFixed(2),
      'direct p50/p99 ms': `${direct.p50ms.toFixed(2)}/${direct.p99ms.toFixed(
        2,
      )}`,
      'added p99 ms': (r.p99ms - direct.p99ms).toFixed(2),
      'client loop p99 ms': r.clientLoopDelayP99ms.toFixed(1),
      load: r.loadAverage.toFixed(2),
    })),
  );
  const out = path.resolve(__dirname, 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'console-concurrency.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model}`,
        seconds: SECONDS,
        clientProcesses: CLIENT_PROCS,
        pinned: PIN,
        loadAverage: os.loadavg(),
        rows,
      },
      null,
      2,
    ),
  );
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
