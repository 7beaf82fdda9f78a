/*
 * Time to desktop with the local provider: order through the API, then the
 * first framebuffer through the portal's console proxy; and the time until the
 * Workspace entity is in the catalog. p50 and p95 over repeated orders.
 * Run: bash bench/run.sh time-to-desktop [orders]
 *
 * With `kubevirt` first, KubeVirt desktops with and without a warm pool,
 * against the loopback API server with simulated clone and start times
 * (`kubevirtMain` below).
 * Run: bash bench/run.sh time-to-desktop kubevirt [orders] [timeScale]
 */
import { execSync, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { percentile, RfbClient } from '@internal/test-support';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { openConsole, startPortal } from './lib/portal';
import { KubeVirtApi } from '../plugins/workspaces-backend-module-kubevirt/src/KubeVirtApi';
import { KubeVirtWorkspaceProvider } from '../plugins/workspaces-backend-module-kubevirt/src/KubeVirtWorkspaceProvider';
import { refillWarmPools } from '../plugins/workspaces-backend-module-kubevirt/src/warmPool';
import { FakeKubeVirt } from '../plugins/workspaces-backend-module-kubevirt/src/__testUtils__/fakeKubeVirt';
import {
  API,
  spec,
  testCluster,
} from '../plugins/workspaces-backend-module-kubevirt/src/__testUtils__/fixtures';

const ORDERS = Number(process.argv[2] ?? 10);
// What an order waits for on KubeVirt, from order to VMI Running (the guest's
// boot comes after either way and is left out). VMI creation to Running:
// 17 s p50, 28 s p95, as read off KubeVirt's sig-performance CI graphs
// (kubevirt/kubevirt docs/perf-scale-benchmarks.md,
// vmiCreationToRunningSecondsP50/P95).
// Cloning a 64 GiB Windows root disk: an assumption, 6 min p50 and 10 min
// p95, i.e. a full copy at about 180 and 110 MB/s (CDI host-assisted or
// Longhorn clone; a CSI snapshot clone takes seconds and makes a pool
// matter far less). Override with BENCH_CLONE_P50_S / BENCH_CLONE_P95_S and
// BENCH_START_P50_S / BENCH_START_P95_S.
const SIM = {
  cloneP50: Number(process.env.BENCH_CLONE_P50_S ?? 360),
  cloneP95: Number(process.env.BENCH_CLONE_P95_S ?? 600),
  startP50: Number(process.env.BENCH_START_P50_S ?? 17),
  startP95: Number(process.env.BENCH_START_P95_S ?? 28),
};

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms),
    ),
  ]);
}

/** One table row: p50 and p95 of `xs`, in milliseconds or seconds as given. */
function percentileRow(label: string, xs: number[], unit: 'ms' | 's') {
  const digits = unit === 'ms' ? 0 : 1;
  return {
    measure: label,
    [`p50 ${unit}`]: percentile(xs, 50).toFixed(digits),
    [`p95 ${unit}`]: percentile(xs, 95).toFixed(digits),
    orders: xs.length,
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-desktops-'));
  process.env.BENCH_LOCAL_DIR = dir;
  const portal = await startPortal({}, [
    path.join(__dirname, 'lib/app-config.bench-local.yaml'),
  ]);
  const frame: number[] = [];
  const catalog: number[] = [];
  try {
    for (let i = 0; i < ORDERS; i++) {
      const name = `ttd-${i}-${Date.now().toString(36)}`;
      const t0 = performance.now();
      await portal.order(name, 'local');
      const client = new RfbClient(await openConsole(name, portal.token));
      await within(10_000, `${name}: RFB handshake`, client.handshake());
      client.request(false, 0, 0, client.width, client.height);
      await within(10_000, `${name}: first framebuffer`, client.readUpdate());
      frame.push(performance.now() - t0);
      client.close();
      while (!(await portal.inCatalog(name))) {
        if (performance.now() - t0 > 60_000)
          throw new Error(`${name} never reached the catalog`);
        await new Promise(r => setTimeout(r, 50));
      }
      catalog.push(performance.now() - t0);
      await portal.remove(name);
    }
  } catch (error) {
    // Leave what a person needs to see why.
    console.error(
      execSync(
        `ls -la ${dir}/*/run 2>&1; tail -5 ${dir}/*/run/xvnc.log 2>&1; pgrep -af 'Xvnc|openbox' 2>&1`,
      ).toString(),
    );
    throw error;
  } finally {
    portal.stop();
    // Desktops outlive the backend; after a failed order, stop what is left.
    spawnSync('pkill', ['-TERM', '-f', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  frame.sort((a, b) => a - b);
  catalog.sort((a, b) => a - b);
  const row = (label: string, xs: number[]) => percentileRow(label, xs, 'ms');
  console.table([
    row('order → first framebuffer (via proxy)', frame),
    row('order → Workspace entity in the catalog', catalog),
  ]);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', 'time-to-desktop.json'),
    JSON.stringify({ date: new Date().toISOString(), frame, catalog }, null, 2),
  );
  process.exit(0);
}

(process.argv[2] === 'kubevirt' ? kubevirtMain() : main()).catch(error => {
  console.error(error);
  process.exit(1);
});

/** A log-normal draw with the given median and 95th percentile, in seconds. */
function logNormal(p50: number, p95: number) {
  const sigma = Math.log(p95 / p50) / 1.645;
  return () => {
    // Box-Muller: one standard normal draw.
    const z =
      Math.sqrt(-2 * Math.log(1 - Math.random())) *
      Math.cos(2 * Math.PI * Math.random());
    return p50 * Math.exp(sigma * z);
  };
}

/**
 * Orders N desktops at once through the KubeVirt provider, first with no
 * pool (each clones its disk, then starts), then from a warm pool of N
 * stopped members (claim, Secret, start), and times each order until its
 * VM is Running. Simulated times run compressed (default 1/50 without a
 * pool, so a 6-minute clone takes 7.2 s, and 1/4 with one); figures are
 * given back at full scale, where the loopback's own milliseconds are
 * inflated by the same factor: the last row shows by how much.
 */
async function kubevirtMain() {
  const orders = Number(process.argv[3] ?? 10);
  // Clones are long and the cold orders few calls each; claims are short and
  // many calls, so the warm phase runs slower, where the loopback's own
  // milliseconds weigh less once scaled back.
  const coldScale = Number(process.argv[4] ?? 0.02);
  const warmScale = Number(process.argv[5] ?? 0.25);
  let scale = coldScale;
  const clone = logNormal(SIM.cloneP50, SIM.cloneP95);
  const start = logNormal(SIM.startP50, SIM.startP95);
  const fake = new FakeKubeVirt({
    cloneMs: () => clone() * 1000 * scale,
    startMs: () => start() * 1000 * scale,
  });
  const server = setupServer(
    // KubeVirt's version answer (kubevirt/kubevirt pkg/virt-api/api.go).
    http.get(`${API}/apis/subresources.kubevirt.io/v1/version`, () =>
      HttpResponse.json({ gitVersion: 'v1.7.0' }),
    ),
    ...fake.handlers(),
  );
  server.listen({ onUnhandledRequest: 'error' });
  const quiet = {
    info() {},
    warn: console.warn,
    error: console.error,
    debug() {},
    child() {
      return quiet;
    },
  } as any;
  const order = spec('windows');

  const simulated = fake.timings;
  const none = { cloneMs: () => 0, startMs: () => 0 };
  /** Seconds from order to Running, at full scale, or as measured for `raw`. */
  const run = async (pooled: boolean, raw = false) => {
    fake.timings = raw ? none : simulated;
    const cluster = testCluster({
      timeoutMs: 30_000,
      ...(pooled
        ? {
            warmPool: [
              {
                key: `${order.image.name}.${order.size.name}`,
                image: order.image,
                size: order.size,
                diskGi: order.diskGi,
                count: orders,
                running: false,
              },
            ],
          }
        : {}),
    });
    const provider = new KubeVirtWorkspaceProvider([cluster], quiet);
    if (pooled) {
      // The pool was filled ahead of time: its clones are not the order's wait.
      const timings = fake.timings;
      fake.timings = { ...timings, cloneMs: () => 0 };
      await refillWarmPools({
        cluster,
        api: new KubeVirtApi(cluster),
        logger: quiet,
      });
      fake.timings = timings;
    }
    const tag = pooled ? 'pool' : 'cold';
    const times = await Promise.all(
      Array.from({ length: orders }, async (_, i) => {
        const name = `${tag}-${i}`;
        const t0 = performance.now();
        await provider.create({ ...order, name });
        for (;;) {
          const got = await provider.get({ name, cluster: cluster.name });
          if (got?.status.phase === 'Running') break;
          await new Promise(r => setTimeout(r, 20));
        }
        return (performance.now() - t0) / (raw ? 1 : scale) / 1000;
      }),
    );
    for (const vm of [...fake.vms.keys()]) fake.vms.delete(vm);
    return times.sort((a, b) => a - b);
  };

  const started = performance.now();
  const cold = await run(false);
  scale = warmScale;
  const warm = await run(true);
  // What the loopback itself costs (client, msw, polling) with nothing
  // simulated, inflated as the warm figures are.
  const overhead = (await run(true, true)).map(s => s / warmScale);
  server.close();
  const row = (label: string, xs: number[]) => percentileRow(label, xs, 's');
  console.table([
    row('order → VM Running, no pool (clone + start)', cold),
    row('order → VM Running, warm pool (claim + start)', warm),
    row('of which the loopback itself, warm pool', overhead),
  ]);
  const ratio = percentile(cold, 50) / percentile(warm, 50);
  console.log(
    `With a warm pool: ${ratio.toFixed(1)}× faster at p50 (${(
      percentile(cold, 95) / percentile(warm, 95)
    ).toFixed(
      1,
    )}× at p95). Simulated at ${coldScale}× and ${warmScale}× time: clone ${
      SIM.cloneP50
    }/${SIM.cloneP95} s, start ${SIM.startP50}/${
      SIM.startP95
    } s (p50/p95); took ${((performance.now() - started) / 1000).toFixed(
      1,
    )} s.`,
  );
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', 'time-to-desktop-kubevirt.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        coldScale,
        warmScale,
        simulated: SIM,
        cold,
        warm,
        ratio,
      },
      null,
      2,
    ),
  );
  process.exit(0);
}
