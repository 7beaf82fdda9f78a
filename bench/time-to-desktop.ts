/*
 * Time to desktop with the local provider: order through the API, then the
 * first framebuffer through the portal's console proxy; and the time until the
 * Workspace entity is in the catalog. p50 and p95 over repeated orders.
 * Run: bash bench/run.sh time-to-desktop [orders]
 */
import { execSync, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { percentile, RfbClient } from '@internal/test-support';
import { openConsole, startPortal } from './lib/portal';

const ORDERS = Number(process.argv[2] ?? 10);

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms),
    ),
  ]);
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
  const row = (label: string, xs: number[]) => ({
    measure: label,
    'p50 ms': percentile(xs, 50).toFixed(0),
    'p95 ms': percentile(xs, 95).toFixed(0),
    orders: xs.length,
  });
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

main().catch(error => {
  console.error(error);
  process.exit(1);
});
