/*
 * Input latency: a key pressed in Chromium, on the console's noVNC client,
 * until the pixel it changes on the desktop (an xterm that flips a block at
 * its top left on every key) is drawn on the page's canvas, and until the
 * next animation frame after that. One page per path, all on the same Xvnc;
 * keys alternate between them, so all see the same load on this shared
 * machine. The paths (BENCH_PATHS, default websockify,proxy,proxy-held,bare):
 *   websockify, websockify-2  Debian's websockify, twice: an A/A check
 *   proxy                     the portal's console proxy as it is
 *   proxy-held, proxy-unbatched  the same with its relay holding every
 *                             chunk to the end of the event-loop pass (as
 *                             before small updates went out at once), or
 *                             sending each chunk at once (lib/relayHops.ts)
 *   bare, bare-held, bare-unbatched  the same relay.ts in a process with
 *                             only `ws` (lib/bareRelay.ts)
 * Xvnc writes an update to its clients newest first, so the order the pages
 * connect in is rotated round by round (one round per path) and each key
 * records where its page was served.
 * Run: bash bench/run.sh input-latency [keystrokes per path]
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Page } from 'playwright-core';
import { percentile } from '@internal/test-support';
import {
  loadAverage,
  openBenchPage,
  startBrowserBench,
  writeResults,
  xterm,
} from './lib/browserDesktop';
import {
  hopSource,
  hopTable,
  startBareRelay,
  xvncSocketOf,
  type KeySample,
} from './lib/hopReport';
import { RELAY_MODES, type HopEvent } from './lib/relayHops';

const KEYS = Number(process.argv[2] ?? process.env.BENCH_KEYS ?? 200);
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 900) * 1000;
// Inside the block: 12 cells by 3 rows from the top left corner.
const PROBE = { x: 30, y: 15 };
const LABELS: Record<string, string> = {
  websockify: 'websockify',
  'websockify-2': 'websockify, second page',
  proxy: 'portal proxy',
  'proxy-held': 'portal proxy, held',
  'proxy-unbatched': 'portal proxy, unbatched',
  bare: 'bare relay',
  'bare-held': 'bare relay, held',
  'bare-unbatched': 'bare relay, unbatched',
};
const PATHS = (process.env.BENCH_PATHS ?? 'websockify,proxy,proxy-held,bare')
  .split(',')
  .map(p => LABELS[p.trim()] ?? p.trim());

setTimeout(() => {
  process.stderr.write(
    `input-latency: gave up after ${DEADLINE_MS / 1000} s\n`,
  );
  process.exit(1);
}, DEADLINE_MS).unref();

const SCRIPT = () => `printf '\\e[?25l'; clear; on=0
while IFS= read -rsn1 k; do
  if [ $on = 0 ]; then printf '\\e[1;1H\\e[7m            \\e[2;1H            \\e[3;1H            \\e[0m'; on=1
  else printf '\\e[1;1H            \\e[2;1H            \\e[3;1H            '; on=0; fi
done
`;

/** Installs the in-page probe: from keydown to the probe pixel changing on the canvas, then to the next frame. */
async function installProbe(page: Page) {
  await page.evaluate(({ x, y }) => {
    const w = window as any;
    const display = w.rfb._display;
    const ctx = display._targetCtx as CanvasRenderingContext2D;
    const pixel = () => ctx.getImageData(x, y, 1, 1).data.join(',');
    // Armed before the key is sent; the result is collected after.
    w.benchArm = () => {
      w.benchPending = new Promise(resolve => {
        const before = pixel();
        let down: number | undefined;
        const onKey = (e: KeyboardEvent) => {
          down = e.timeStamp;
        };
        document.addEventListener('keydown', onKey, {
          capture: true,
          once: true,
        });
        const timer = setTimeout(() => {
          w.bench.onFlip = null;
          resolve(null);
        }, 3000);
        w.bench.onFlip = () => {
          if (down === undefined || pixel() === before) return;
          const drawn = performance.now() - down!;
          w.bench.onFlip = null;
          requestAnimationFrame(() => {
            clearTimeout(timer);
            resolve({
              drawn,
              painted: performance.now() - down!,
              downWall: performance.timeOrigin + down!,
            });
          });
        };
      });
    };
  }, PROBE);
}

async function connectTo(page: Page, url: string) {
  await page.evaluate(u => (window as any).benchConnect(u, ['binary']), url);
}

const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
};

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-latency-'));
  const modeFile = path.join(dir, 'relay-mode');
  // The backend inherits these: its relay is timestamped, batched or not
  // per session as the mode file says (lib/relayProbePreload.cjs).
  process.env.BENCH_RELAY_MODE_FILE = modeFile;
  process.env.BENCH_HOPS_FILE = path.join(dir, 'portal-hops.json');
  const nodeOptions = process.env.NODE_OPTIONS ?? '';
  process.env.NODE_OPTIONS = `${nodeOptions} --require ${path.join(
    __dirname,
    'lib/relayProbePreload.cjs',
  )}`;
  const loads: string[] = [loadAverage()];
  const bench = await startBrowserBench();
  process.env.NODE_OPTIONS = nodeOptions;
  const samples: KeySample[] = [];
  const events: HopEvent[] = [];
  const loopDelays: Record<string, Array<{ p99: number; max: number }>> = {
    'portal backend': [],
    'bare relay': [],
  };
  let lost = 0;
  try {
    const bare = await startBareRelay(
      xvncSocketOf(bench.display),
      path.join(dir, 'bare-hops.json'),
    );
    const sources = {
      'portal backend': hopSource(bench.portalPid, process.env.BENCH_HOPS_FILE),
      'bare relay': bare.hops,
    };
    const portal = (mode: string) => async (page: Page) => {
      fs.writeFileSync(modeFile, mode);
      await bench.paths['portal proxy'](page);
    };
    const connectors: Record<string, (page: Page) => Promise<void>> = {
      websockify: bench.paths.websockify,
      'websockify, second page': bench.paths.websockify,
    };
    for (const mode of RELAY_MODES) {
      const suffix = mode === 'batched' ? '' : `, ${mode}`;
      connectors[`portal proxy${suffix}`] = portal(mode);
      connectors[`bare relay${suffix}`] = page =>
        connectTo(page, `${bare.url}/${mode}`);
    }
    const term = xterm(bench.display, SCRIPT);
    const perRound = Math.ceil(KEYS / PATHS.length);
    for (let round = 0; round < PATHS.length; round++) {
      const order = [...PATHS.slice(round), ...PATHS.slice(0, round)];
      const pages: Record<string, { page: Page; served: number }> = {};
      for (const [i, label] of order.entries()) {
        const page = await openBenchPage(bench.browser);
        await connectors[label](page);
        await installProbe(page);
        // Xvnc puts a new client first in its list.
        pages[label] = { page, served: order.length - 1 - i };
      }
      await pages[order[0]].page.waitForTimeout(1000);
      for (const source of Object.values(sources)) await source.collect();
      for (let i = 0; i < perRound * PATHS.length; i++) {
        const label = PATHS[i % PATHS.length];
        const { page, served } = pages[label];
        await page.evaluate(() => {
          (window as any).rfb.focus();
          (window as any).benchArm();
        });
        await page.keyboard.press('a');
        const r = (await page.evaluate(
          () => (window as any).benchPending,
        )) as Omit<KeySample, 'path' | 'served'> | null;
        if (!r) lost++;
        else samples.push({ path: label, served, ...r });
        // Every page draws each change; let them finish first.
        await page.waitForTimeout(20 + 10 * PATHS.length + Math.random() * 30);
      }
      for (const [name, source] of Object.entries(sources)) {
        const dump = await source.collect();
        events.push(...dump.events);
        loopDelays[name].push(dump.loopDelay);
      }
      for (const { page } of Object.values(pages)) await page.close();
      loads.push(loadAverage());
    }
    await term.stop();
    bare.stop();
  } finally {
    await bench.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report(samples, events, loopDelays, loads, lost);
  process.exit(0);
}

function report(
  samples: KeySample[],
  events: HopEvent[],
  loopDelays: Record<string, Array<{ p99: number; max: number }>>,
  loads: string[],
  lost: number,
) {
  const of = (p: string) => samples.filter(s => s.path === p);
  const ws = stats(of('websockify').map(s => s.drawn));
  const rows = PATHS.map(p => {
    const drawn = stats(of(p).map(s => s.drawn));
    const painted = stats(of(p).map(s => s.painted));
    return {
      path: p,
      keys: of(p).length,
      'drawn p50 ms': drawn.p50.toFixed(2),
      'drawn p99 ms': drawn.p99.toFixed(2),
      'added p50 ms': (drawn.p50 - ws.p50).toFixed(2),
      'added p99 ms': (drawn.p99 - ws.p99).toFixed(2),
      'painted p50 ms': painted.p50.toFixed(2),
      'painted p99 ms': painted.p99.toFixed(2),
    };
  });
  console.log(
    `\nkey in Chromium -> changed pixel on noVNC's canvas (drawn) and the next animation frame (painted); ${KEYS} keys per path, alternating, in ${
      PATHS.length
    } rounds that rotate the order the pages connect in; ${lost} lost. "added": against websockify in the same run. Load average (uptime) at the start and after each round: ${loads.join(
      ' | ',
    )}`,
  );
  console.table(rows);
  console.log(
    '\nDrawn, by the place Xvnc served the page in (0 = first; every path spends one round in each place):',
  );
  const places = [...new Set(samples.map(s => s.served))].sort();
  const byPlace = places.map(place => {
    const row: Record<string, string | number> = { served: place };
    for (const p of PATHS) {
      const d = of(p).filter(s => s.served === place);
      row[p] = d.length ? stats(d.map(s => s.drawn)).p50.toFixed(2) : '–';
    }
    return row;
  });
  console.table(byPlace);
  console.log("\nThe relays' hops per key, ms (see lib/hopReport.ts):");
  const hops = hopTable(samples, events);
  console.table(hops);
  const loop = Object.entries(loopDelays).map(([name, rounds]) => ({
    process: name,
    'event-loop delay p99 ms (median round)': stats(
      rounds.map(r => r.p99),
    ).p50.toFixed(2),
    'max ms (all rounds)': Math.max(...rounds.map(r => r.max)).toFixed(2),
  }));
  console.table(loop);
  writeResults('input-latency', {
    keys: KEYS,
    paths: PATHS,
    lost,
    loads,
    rows,
    byPlace,
    hops,
    loop,
    samples,
    events,
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
