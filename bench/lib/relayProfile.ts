/*
 * Where the console relay's time goes, per MB: full 1920x1080 raw frames
 * from the synthetic server (its own process), read by the frame client,
 * through websockify and through the portal's proxy in alternating rounds.
 * For each path, the relay process's user and system CPU per MB (/proc,
 * websockify's per-connection children included); with BENCH_CPU_PROF=1 the
 * backend also writes a V8 CPU profile, summed here by part of the relay.
 * Run: bash bench/run.sh lib/relayProfile [seconds per round] [rounds]
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { RfbClient, type Transport } from '@internal/test-support';
import {
  consoleEndpoint,
  PORTAL,
  startPortal,
  startSyntheticServerProcess,
} from './portal';
import { startWebsockify } from './processes';
import { openRawWebSocket } from './rawWebSocket';
import {
  cpuSince,
  mainThreadProfile,
  summariseProfile,
  treeCpu,
} from './relayCost';

const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.argv[3] ?? 2);
const PROFILE = process.env.BENCH_CPU_PROF === '1';

/** Full frames for `seconds`; the relay's CPU is read while the session is open. */
export async function relayRound(
  open: () => Promise<Transport>,
  relayPid: number,
  seconds: number,
) {
  const client = new RfbClient(await open());
  await client.handshake();
  for (let i = 0; i < 3; i++) {
    client.request(false, 0, 0, client.width, client.height);
    await client.readUpdate();
  }
  const cpu0 = treeCpu(relayPid);
  const own0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  let elapsed = 0;
  while (elapsed < seconds) {
    client.request(false, 0, 0, client.width, client.height);
    bytes += await client.readUpdate();
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  const relay = cpuSince(cpu0, relayPid);
  const own = process.cpuUsage(own0);
  client.close();
  const mb = bytes / 1e6;
  return {
    mb,
    mbPerSecond: mb / elapsed,
    relayUserMsPerMb: (relay.user * 1000) / mb,
    relaySystemMsPerMb: (relay.system * 1000) / mb,
    clientMsPerMb: (own.user + own.system) / 1000 / mb,
  };
}

async function main() {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-prof-'));
  const synthetic = await startSyntheticServerProcess(1920, 1080);
  const websockify = await startWebsockify({ port: synthetic.port });
  const saved = process.env.NODE_OPTIONS;
  if (PROFILE)
    process.env.NODE_OPTIONS = `${
      saved ?? ''
    } --cpu-prof --cpu-prof-dir=${profileDir} --cpu-prof-interval=250`;
  const portal = await startPortal({
    synth: `tcp:127.0.0.1:${synthetic.port}`,
  });
  process.env.NODE_OPTIONS = saved;
  const rows: Array<Record<string, string | number>> = [];
  const windows: Array<[number, number]> = [];
  let portalMb = 0;
  try {
    await portal.order('synth-1');
    const paths = {
      websockify: {
        pid: websockify.pid,
        open: () => openRawWebSocket(websockify.url, ['binary']),
      },
      'portal proxy': {
        pid: portal.pid,
        open: () => {
          const { url, protocols } = consoleEndpoint('synth-1', portal.token);
          return openRawWebSocket(url, protocols, PORTAL);
        },
      },
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, p] of Object.entries(paths)) {
        const from = Number(process.hrtime.bigint() / 1000n);
        const r = await relayRound(p.open, p.pid, SECONDS);
        if (p.pid === portal.pid) {
          windows.push([from, Number(process.hrtime.bigint() / 1000n)]);
          portalMb += r.mb;
        }
        rows.push({
          round,
          path: name,
          'MB/s': r.mbPerSecond.toFixed(0),
          'relay user ms/MB': r.relayUserMsPerMb.toFixed(3),
          'relay sys ms/MB': r.relaySystemMsPerMb.toFixed(3),
          'client ms/MB': r.clientMsPerMb.toFixed(3),
          load: os.loadavg()[0].toFixed(2),
        });
      }
    }
  } finally {
    portal.stop();
    websockify.stop();
    synthetic.close();
  }
  console.table(rows);
  if (PROFILE) {
    const file = await mainThreadProfile(profileDir);
    if (!file) throw new Error('the backend wrote no CPU profile');
    const { buckets, busiest } = summariseProfile(file, windows);
    const busy = Object.entries(buckets)
      .filter(([b]) => b !== 'idle')
      .reduce((s, [, ms]) => s + ms, 0);
    console.log(
      `\nbackend profile ${file}: ${busy.toFixed(
        0,
      )} ms busy relaying ${portalMb.toFixed(0)} MB`,
    );
    console.table(
      Object.entries(buckets)
        .sort((a, b) => b[1] - a[1])
        .map(([bucket, ms]) => ({
          bucket,
          ms: ms.toFixed(0),
          'ms per MB': (ms / portalMb).toFixed(3),
          '% of busy': bucket === 'idle' ? '' : ((100 * ms) / busy).toFixed(1),
        })),
    );
    console.table(
      busiest.map(([fn, ms]) => ({ function: fn, 'self ms': ms.toFixed(0) })),
    );
  }
  process.exit(0);
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
