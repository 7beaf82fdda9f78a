/*
 * Recording cost: what console session recording (workspaces.recording)
 * costs the relay, and how much it stores.
 *
 * 1. Relay: one portal backend with two desktops on the same synthetic RFB
 *    server (its own process), one of an image that is recorded and one of
 *    an image that is not. Rounds alternate between them: full 1920x1080
 *    raw frames (throughput, and the backend's CPU seconds per GB relayed,
 *    from /proc) and 1x1 round trips (latency). Ratios are recorded / not
 *    recorded, from the same run.
 * 2. Storage: a real Xvnc with noVNC in headless Chromium through the portal
 *    (lib/browserDesktop.ts), recording on, running a scripted office
 *    workload for BENCH_MINUTES (default 1): typing a line at a prompt every
 *    few seconds and paging and scrolling a long text in less between. The
 *    recording's size per minute is read back through the recordings API and
 *    set against what the browser received.
 * Loopback only; everything it starts stops, and the recordings are deleted.
 * Run: bash bench/run.sh recording-cost
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import WebSocket from 'ws';
import {
  percentile,
  RfbClient,
  websocketTransport,
  type Transport,
} from '@internal/test-support';
import {
  loadAverage,
  onDesktop,
  openBenchPage,
  settle,
  startBrowserBench,
  writeResults,
  xterm,
} from './lib/browserDesktop';
import {
  consoleEndpoint,
  PORTAL,
  startPortal,
  startSyntheticServerProcess,
} from './lib/portal';
import { waitFor } from './lib/processes';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 30);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 1);
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 900) * 1000;
const DOCUMENT = '/usr/share/common-licenses/GPL-3';

setTimeout(() => {
  process.stderr.write(
    `recording-cost: gave up after ${DEADLINE_MS / 1000} s\n`,
  );
  process.exit(1);
}, DEADLINE_MS).unref();

const api = async (token: string, route: string, init: RequestInit = {}) => {
  const res = await fetch(`${PORTAL}/api/workspaces${route}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
  });
  if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return res.json();
};

/**
 * A console session as the ws library reads it, passing on binary (RFB)
 * messages only: the proxy's text frames (its display message, pongs) are
 * its control channel beside the stream.
 */
async function binaryConsole(name: string, token: string): Promise<Transport> {
  const { url, protocols } = consoleEndpoint(name, token);
  const ws = new WebSocket(url, protocols, {
    origin: PORTAL,
    perMessageDeflate: false,
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return websocketTransport({
    on: (_event, listener) =>
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) listener(data);
      }),
    send: data => ws.send(data),
    close: () => ws.close(),
  });
}

/** User and kernel CPU seconds of a process, all its threads, from /proc. */
function cpuOf(pid: number) {
  const stat = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return { user: Number(stat[11]) / 100, system: Number(stat[12]) / 100 };
}

async function round(name: string, token: string, pid: number) {
  const client = new RfbClient(await binaryConsole(name, token));
  await client.handshake();
  for (let i = 0; i < 3; i++) {
    client.request(false, 0, 0, client.width, client.height);
    await client.readUpdate();
  }
  const cpu0 = cpuOf(pid);
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < FRAMES; i++) {
    client.request(false, 0, 0, client.width, client.height);
    bytes += await client.readUpdate();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = cpuOf(pid);
  const gb = bytes / 1e9;
  const rtts: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const s = process.hrtime.bigint();
    client.request(false, i % client.width, 0, 1, 1);
    await client.readUpdate();
    rtts.push(Number(process.hrtime.bigint() - s) / 1e3);
  }
  client.close();
  rtts.sort((a, b) => a - b);
  return {
    mbPerSecond: bytes / seconds / 1e6,
    cpuSecondsPerGb: (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / gb,
    systemSecondsPerGb: (cpu1.system - cpu0.system) / gb,
    p50us: percentile(rtts, 50),
    p99us: percentile(rtts, 99),
  };
}

async function relayCost(dir: string) {
  const config = path.join(dir, 'app-config.recording.yaml');
  fs.writeFileSync(
    config,
    `workspaces:
  images:
    - { name: bench, title: Bench, os: linux }
    - { name: bench-recorded, title: Bench recorded, os: linux }
  recording:
    images: [bench-recorded]
    dir: ${path.join(dir, 'relay')}
    maxBytesPerSession: 64Gi
    maxTotalBytes: 64Gi
`,
  );
  const synthetic = await startSyntheticServerProcess(1920, 1080);
  const portal = await startPortal(
    { synth: `tcp:127.0.0.1:${synthetic.port}` },
    [config],
  ).catch(error => {
    synthetic.close();
    throw error;
  });
  try {
    for (const [name, image] of [
      ['synth-plain', 'bench'],
      ['synth-recorded', 'bench-recorded'],
    ]) {
      await api(portal.token, '/workspaces', {
        method: 'POST',
        body: JSON.stringify({ name, image, size: 'small' }),
      });
    }
    const rows: Record<
      'off' | 'on',
      Array<Awaited<ReturnType<typeof round>>>
    > = { off: [], on: [] };
    for (let r = 0; r < ROUNDS; r++) {
      process.stderr.write(`  relay round ${r + 1}/${ROUNDS}\n`);
      rows.off.push(await round('synth-plain', portal.token, portal.pid));
      rows.on.push(await round('synth-recorded', portal.token, portal.pid));
    }
    // The recorded sessions are closed meanwhile; their files must hold them.
    await new Promise(r => setTimeout(r, 1000));
    const recorded = await api(
      portal.token,
      '/workspaces/synth-recorded/recordings',
    );
    // Oldest first, as the rounds ran. A recording that stopped early (the
    // disk fell behind) left the rest of its round unrecorded.
    const truncated = [...recorded.items]
      .reverse()
      .map((r: { truncated: boolean }) => r.truncated);
    return { rows, truncated };
  } finally {
    portal.stop();
    synthetic.close();
    await new Promise(r => setTimeout(r, 1000));
  }
}

async function storagePerMinute(dir: string) {
  // The bench portal reads these as config (Backstage's APP_CONFIG_ variables).
  process.env.APP_CONFIG_workspaces_recording_images = '["bench"]';
  process.env.APP_CONFIG_workspaces_recording_dir = path.join(dir, 'desktop');
  const bench = await startBrowserBench();
  const tool = async (...args: string[]) => {
    await onDesktop(bench.display, 'xdotool', args).exited;
  };
  const term = xterm(
    bench.display,
    d => `touch ${d}/ready
while read -r -p '$ ' line; do [ "$line" = page ] && less ${DOCUMENT}; done
`,
  );
  try {
    await waitFor(
      () => fs.existsSync(path.join(term.dir, 'ready')),
      'the prompt',
    );
    const page = await openBenchPage(bench.browser);
    await bench.paths['portal proxy'](page);
    const bytes = () =>
      page.evaluate(() => (window as any).bench.bytes as number);
    await settle(bytes);
    const t0 = Date.now();
    await tool('mousemove', '400', '300');
    for (let i = 0; Date.now() - t0 < MINUTES * 60_000; i++) {
      await tool(
        'type',
        '--delay',
        '120',
        `echo note ${i}: figures for the quarterly review`,
      );
      await tool('key', 'Return');
      if (i % 3 === 2) {
        // A page of reading: open the text, page and scroll, leave.
        await tool('type', '--delay', '120', 'page');
        await tool('key', 'Return');
        for (let p = 0; p < 4; p++) {
          await new Promise(r => setTimeout(r, 1500));
          await tool('key', 'space');
        }
        for (let j = 0; j < 10; j++) await tool('key', '--delay', '150', 'j');
        await tool('key', 'q');
      }
      await new Promise(r => setTimeout(r, 2000));
    }
    const received = await bytes();
    const seconds = (Date.now() - t0) / 1000;
    await page.close();
    await new Promise(r => setTimeout(r, 1500));
    const { items } = await api(bench.token, '/workspaces/xvnc-1/recordings');
    return { seconds, received, recording: items[0] };
  } finally {
    await term.stop();
    await bench.stop();
  }
}

async function main() {
  const loadBefore = loadAverage();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-recording-'));
  try {
    const relay = await relayCost(dir);
    const storage = await storagePerMinute(dir);
    const median = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const summary = (rows: typeof relay.rows.on) => ({
      rounds: rows.length,
      mbPerSecond: median(rows.map(r => r.mbPerSecond)),
      cpuSecondsPerGb: median(rows.map(r => r.cpuSecondsPerGb)),
      systemSecondsPerGb: median(rows.map(r => r.systemSecondsPerGb)),
      p50us: median(rows.map(r => r.p50us)),
      p99us: median(rows.map(r => r.p99us)),
    });
    const off = summary(relay.rows.off);
    const whole = relay.rows.on.filter((_r, i) => !relay.truncated[i]);
    const on = summary(whole.length ? whole : relay.rows.on);
    console.log(
      `\nRelay through the portal proxy, synthetic 1920x1080 raw frames (${FRAMES} per round, ${ROUND_TRIPS} 1x1 round trips), medians of alternating rounds (recorded: only those recorded to the end); load average before ${loadBefore}, after ${loadAverage()}`,
    );
    console.table(
      (
        [
          ['not recorded', off],
          ['recorded', on],
        ] as const
      ).map(([label, r]) => ({
        session: label,
        rounds: r.rounds,
        'MB/s': r.mbPerSecond.toFixed(0),
        'x not recorded': (r.mbPerSecond / off.mbPerSecond).toFixed(2),
        'backend CPU s/GB': r.cpuSecondsPerGb.toFixed(2),
        'CPU x not recorded': (r.cpuSecondsPerGb / off.cpuSecondsPerGb).toFixed(
          2,
        ),
        'of which kernel': r.systemSecondsPerGb.toFixed(2),
        'p50 µs': r.p50us.toFixed(0),
        'p99 µs': r.p99us.toFixed(0),
      })),
    );
    console.log(
      `Recorded rounds stopped early because the disk fell behind: ${
        relay.truncated.filter(Boolean).length
      } of ${relay.truncated.length}`,
    );
    const rec = storage.recording;
    const perMinute = (rec.bytes / storage.seconds) * 60;
    console.log(
      `\nOffice workload on a real Xvnc ${
        process.env.BENCH_GEOMETRY ?? '1280x720'
      } through noVNC (default quality), ${storage.seconds.toFixed(0)} s`,
    );
    console.table([
      {
        'browser received KB': (storage.received / 1000).toFixed(0),
        'recording KB': (rec.bytes / 1000).toFixed(0),
        'stored / received': (rec.bytes / storage.received).toFixed(3),
        'MB stored per minute': (perMinute / 1e6).toFixed(2),
        'MB per 8 h day': ((perMinute * 480) / 1e6).toFixed(0),
        // The relay's extra CPU per GB, at this workload's rate.
        'recording CPU, cores': (
          ((on.cpuSecondsPerGb - off.cpuSecondsPerGb) * perMinute) /
          60 /
          1e9
        ).toFixed(5),
        truncated: rec.truncated,
      },
    ]);
    writeResults('recording-cost', {
      frames: FRAMES,
      roundTrips: ROUND_TRIPS,
      rounds: ROUNDS,
      relay: { off, on, rounds: relay.rows, truncated: relay.truncated },
      storage: { ...storage, bytesPerMinute: perMinute },
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
