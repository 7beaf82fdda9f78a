/*
 * Console relay: the same RFB stream read directly from the VNC socket,
 * through Debian's websockify, and through the portal's console proxy
 * (authenticated as the browser is), for a real Xvnc and a synthetic server.
 * Both websocket paths are read twice: with the ws library, which assembles
 * every message as a browser does, and with a frame client that passes
 * payloads on as they arrive, so that the client costs little and what
 * differs is the relay. The paths take turns over BENCH_ROUNDS rounds (the
 * median round counts), so a change in the machine's load falls on all of
 * them; beside throughput, the relay process's CPU per MB (user and system
 * time from /proc) says what relaying costs whatever else runs.
 * Run: bash bench/run.sh console-relay
 */
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import WebSocket from 'ws';
import {
  percentile,
  RfbClient,
  socketTransport,
  Transport,
} from '@internal/test-support';
import { startWebsockify, startXvnc } from './lib/processes';
import {
  consoleEndpoint,
  openConsole,
  PORTAL,
  startPortal,
  startSyntheticServerProcess,
  wsTransport,
} from './lib/portal';
import { openRawWebSocket } from './lib/rawWebSocket';
import { cpuSince, treeCpu } from './lib/relayCost';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 40);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Round {
  mbPerSecond: number;
  rtts: number[];
  mb: number;
  relayUser: number;
  relaySystem: number;
}

async function measure(
  label: string,
  open: () => Promise<Transport>,
  relayPid?: number,
): Promise<Round> {
  process.stderr.write(`measuring ${label}\n`);
  const client = new RfbClient(await open());
  await client.handshake();
  // Warm up both directions before timing.
  for (let i = 0; i < 3; i++) {
    client.request(false, 0, 0, client.width, client.height);
    await client.readUpdate();
  }
  let bytes = 0;
  const cpu0 = relayPid ? treeCpu(relayPid) : undefined;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < FRAMES; i++) {
    client.request(false, 0, 0, client.width, client.height);
    bytes += await client.readUpdate();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const relay =
    relayPid && cpu0 ? cpuSince(cpu0, relayPid) : { user: NaN, system: NaN };
  const rtts: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const s = process.hrtime.bigint();
    client.request(false, i % client.width, 0, 1, 1);
    await client.readUpdate();
    rtts.push(Number(process.hrtime.bigint() - s) / 1e3);
  }
  client.close();
  return {
    mbPerSecond: bytes / seconds / 1e6,
    rtts,
    mb: bytes / 1e6,
    relayUser: relay.user,
    relaySystem: relay.system,
  };
}

/** The median round's throughput, all rounds' round trips, CPU over all MB. */
function combine(label: string, rounds: Round[]) {
  const rates = rounds.map(r => r.mbPerSecond).sort((a, b) => a - b);
  const rtts = rounds.flatMap(r => r.rtts).sort((a, b) => a - b);
  const mb = rounds.reduce((s, r) => s + r.mb, 0);
  return {
    path: label,
    mbPerSecond: rates[Math.floor(rates.length / 2)],
    roundsMbPerSecond: rounds.map(r => Math.round(r.mbPerSecond)),
    p50us: percentile(rtts, 50),
    p99us: percentile(rtts, 99),
    relayUserMsPerMb: (1000 * rounds.reduce((s, r) => s + r.relayUser, 0)) / mb,
    relaySystemMsPerMb:
      (1000 * rounds.reduce((s, r) => s + r.relaySystem, 0)) / mb,
  };
}

async function main() {
  const cleanup: Array<() => void> = [];
  const results: Record<string, any[]> = {};
  try {
    // In a process of its own, so it does not share a thread with the client.
    const synthetic = await startSyntheticServerProcess(1920, 1080);
    cleanup.push(synthetic.close);
    const xvnc = await startXvnc();
    cleanup.push(xvnc.stop);
    const wsSynthetic = await startWebsockify({ port: synthetic.port });
    cleanup.push(wsSynthetic.stop);
    const wsXvnc = await startWebsockify({ unix: xvnc.socket });
    cleanup.push(wsXvnc.stop);
    const portal = await startPortal({
      synth: `tcp:127.0.0.1:${synthetic.port}`,
      xvnc: `unix:${xvnc.socket}`,
    });
    cleanup.push(portal.stop);
    await portal.order('synth-1');
    await portal.order('xvnc-1');

    for (const [upstream, direct, ws, name] of [
      [
        'synthetic',
        () => net.connect(synthetic.port, '127.0.0.1'),
        wsSynthetic,
        'synth-1',
      ],
      ['xvnc', () => net.connect(xvnc.socket), wsXvnc, 'xvnc-1'],
    ] as const) {
      const paths: Array<[string, () => Promise<Transport>, number?]> = [
        [
          'direct socket',
          async () => {
            const s = (direct as () => net.Socket)();
            s.setNoDelay?.(true);
            await new Promise(r => s.once('connect', r));
            return socketTransport(s);
          },
        ],
        [
          'websockify',
          () =>
            wsTransport(
              new WebSocket(ws.url, ['binary'], { perMessageDeflate: false }),
            ),
          ws.pid,
        ],
        [
          'portal proxy',
          () => openConsole(name as string, portal.token),
          portal.pid,
        ],
        [
          'websockify, frame client',
          () => openRawWebSocket(ws.url, ['binary']),
          ws.pid,
        ],
        [
          'portal proxy, frame client',
          () => {
            const { url, protocols } = consoleEndpoint(
              name as string,
              portal.token,
            );
            return openRawWebSocket(url, protocols, PORTAL);
          },
          portal.pid,
        ],
      ];
      const rounds = paths.map(() => [] as Round[]);
      for (let round = 0; round < ROUNDS; round++) {
        // Each round starts with another path, so none always goes first.
        for (let k = 0; k < paths.length; k++) {
          const i = (k + round) % paths.length;
          const [label, open, pid] = paths[i];
          rounds[i].push(await measure(label, open, pid));
        }
      }
      const rows = paths.map(([label], i) => combine(label, rounds[i]));
      const base = rows[0];
      results[upstream] = rows.map(r => ({
        ...r,
        throughputRatio: r.mbPerSecond / base.mbPerSecond,
        addedP99us: r.p99us - base.p99us,
      }));
    }
  } finally {
    cleanup.reverse().forEach(stop => stop());
  }

  for (const [upstream, rows] of Object.entries(results)) {
    // Each path is compared with websockify read by the same client.
    const websockify = (p: string) =>
      rows.find(
        r =>
          r.path ===
          (p.endsWith('frame client')
            ? 'websockify, frame client'
            : 'websockify'),
      )!;
    console.log(
      `\n${upstream} upstream (${FRAMES} full 1920x1080 raw frames, ${ROUND_TRIPS} 1x1 round trips, median of ${ROUNDS} rounds; load average ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')})`,
    );
    console.table(
      rows.map(r => ({
        path: r.path,
        'MB/s': r.mbPerSecond.toFixed(0),
        'x direct': r.throughputRatio.toFixed(2),
        'x websockify': (
          r.mbPerSecond / websockify(r.path).mbPerSecond
        ).toFixed(2),
        'p50 µs': r.p50us.toFixed(0),
        'p99 µs': r.p99us.toFixed(0),
        'added p99 µs': r.addedP99us.toFixed(0),
        'relay ms/MB user+sys': Number.isNaN(r.relayUserMsPerMb)
          ? '-'
          : `${r.relayUserMsPerMb.toFixed(2)}+${r.relaySystemMsPerMb.toFixed(
              2,
            )}`,
        'rounds MB/s': r.roundsMbPerSecond.join(' '),
      })),
    );
  }
  const out = path.resolve(__dirname, 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'console-relay.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model}`,
        frames: FRAMES,
        roundTrips: ROUND_TRIPS,
        rounds: ROUNDS,
        loadAverage: os.loadavg(),
        results,
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
