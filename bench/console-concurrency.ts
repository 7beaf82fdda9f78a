/*
 * Console concurrency: N authenticated console sessions through one backend
 * process, each streaming about 1 Mbit/s from a synthetic RFB server.
 * Reports the backend's CPU, memory per session, relay latency and drops.
 * With BENCH_PIN=1 (the default where there are two cores or more) the
 * backend runs on core 0 and this client, with the synthetic server, on
 * core 1 (taskset), so the client's decoding does not take the backend's
 * core.
 * Run: bash bench/run.sh console-concurrency [100,200]   (1000 at most)
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { percentile, RfbClient } from '@internal/test-support';
import {
  openConsole,
  processUsage,
  startPortal,
  startSyntheticServerProcess,
} from './lib/portal';

const LEVELS = (process.argv[2] ?? process.env.BENCH_LEVELS ?? '100,200')
  .split(',')
  .map(n => Math.min(1000, Number(n)));
const PIN =
  (process.env.BENCH_PIN ?? (os.cpus().length >= 2 ? '1' : '0')) === '1';

/** Puts a process (all its threads) on one core. */
function pin(pid: number, core: number) {
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], {
    stdio: 'ignore',
  });
}
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// 32x32 pixels at 4 bytes, 30 times a second: about 0.98 Mbit/s per session
// (BENCH_TILE=64 offers about 3.9 Mbit/s).
const TILE = Number(process.env.BENCH_TILE ?? 32);
const PER_SECOND = 30;

async function level(
  n: number,
  portal: Awaited<ReturnType<typeof startPortal>>,
) {
  const before = await processUsage(portal.pid);
  const clients: RfbClient[] = [];
  let dropped = 0;
  let closing = false;
  for (let i = 0; i < n; i++) {
    try {
      const transport = await openConsole('synth-1', portal.token);
      transport.ws.on('close', () => {
        if (!closing) dropped++;
      });
      const client = new RfbClient(transport);
      await client.handshake();
      clients.push(client);
    } catch {
      dropped++;
    }
  }
  const idle = await processUsage(portal.pid);
  const latencies: number[] = [];
  let bytes = 0;
  let stalled = 0;
  const t0 = Date.now();
  const cpu0 = idle.cpuSeconds;
  const until = t0 + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client, i) => {
      // Spread the sessions over the first period so they do not tick in step.
      await new Promise(r =>
        setTimeout(
          r,
          (i % PER_SECOND) * (1000 / PER_SECOND / Math.max(1, n / PER_SECOND)),
        ),
      );
      while (Date.now() < until) {
        const s = process.hrtime.bigint();
        client.request(false, 0, 0, TILE, TILE);
        try {
          // Awaited first: `bytes += await` would read bytes before the wait and lose other sessions' counts.
          const got = await Promise.race([
            client.readUpdate(),
            new Promise<number>((_, reject) =>
              setTimeout(() => reject(new Error('stalled')), 5000),
            ),
          ]);
          bytes += got;
        } catch {
          stalled++;
          return;
        }
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
        const next =
          1000 / PER_SECOND - Number(process.hrtime.bigint() - s) / 1e6;
        if (next > 0) await new Promise(r => setTimeout(r, next));
      }
    }),
  );
  const elapsed = (Date.now() - t0) / 1000;
  const after = await processUsage(portal.pid);
  closing = true;
  clients.forEach(c => c.close());
  await new Promise(r => setTimeout(r, 1000));
  latencies.sort((a, b) => a - b);
  return {
    sessions: n,
    connected: clients.length,
    dropped,
    stalled,
    mbitPerSession: (bytes * 8) / elapsed / 1e6 / Math.max(1, clients.length),
    backendCpuCores: (after.cpuSeconds - cpu0) / elapsed,
    rssPerSessionKiB:
      (idle.rssBytes - before.rssBytes) / Math.max(1, clients.length) / 1024,
    rssMiB: after.rssBytes / 2 ** 20,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
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
    for (const n of LEVELS) rows.push(await level(n, portal));
  } finally {
    portal.stop();
    synthetic.close();
  }
  console.log(
    `\n${SECONDS} s per level, ~1 Mbit/s per session, one backend process; ${
      PIN
        ? 'backend pinned to core 0, client and synthetic server to core 1'
        : 'clients and synthetic server share the machine'
    }; load average ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  console.table(
    rows.map(r => ({
      sessions: r.sessions,
      connected: r.connected,
      dropped: r.dropped,
      stalled: r.stalled,
      'Mbit/s each': r.mbitPerSession.toFixed(2),
      'backend CPU (cores)': r.backendCpuCores.toFixed(2),
      'backend CPU per 100 sessions': (
        (r.backendCpuCores * 100) /
        Math.max(1, r.connected)
      ).toFixed(3),
      'RSS per session KiB': r.rssPerSessionKiB.toFixed(0),
      'backend RSS MiB': r.rssMiB.toFixed(0),
      'p50 ms': r.p50ms.toFixed(2),
      'p99 ms': r.p99ms.toFixed(2),
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
