/*
 * Input latency: a key pressed in Chromium, on the console's noVNC client,
 * until the pixel it changes on the desktop (an xterm that flips a block at
 * its top left on every key) is drawn on the page's canvas, and until the
 * next animation frame after that. Two pages, one through the portal's
 * console proxy and one through Debian's websockify, both on the same Xvnc;
 * keys alternate between them, so both see the same load on this shared
 * machine.
 * Run: bash bench/run.sh input-latency [keystrokes]
 */
import type { Page } from 'playwright-core';
import { percentile } from '@internal/test-support';
import {
  loadAverage,
  openBenchPage,
  startBrowserBench,
  writeResults,
  xterm,
} from './lib/browserDesktop';

const KEYS = Number(process.argv[2] ?? process.env.BENCH_KEYS ?? 200);
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000;
// Inside the block: 12 cells by 3 rows from the top left corner.
const PROBE = { x: 30, y: 15 };

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
            resolve({ drawn, painted: performance.now() - down! });
          });
        };
      });
    };
  }, PROBE);
}

async function main() {
  const loadBefore = loadAverage();
  const bench = await startBrowserBench();
  const samples: Record<string, { drawn: number[]; painted: number[] }> = {};
  let lost = 0;
  try {
    const term = xterm(bench.display, SCRIPT);
    const pages: Array<[string, Page]> = [];
    for (const label of Object.keys(bench.paths)) {
      const page = await openBenchPage(bench.browser);
      await bench.paths[label](page);
      await installProbe(page);
      pages.push([label, page]);
      samples[label] = { drawn: [], painted: [] };
    }
    await pages[0][1].waitForTimeout(1000);
    for (let i = 0; i < KEYS; i++) {
      const [label, page] = pages[i % pages.length];
      await page.evaluate(() => (window as any).rfb.focus());
      await page.evaluate(() => (window as any).benchArm());
      await page.keyboard.press('a');
      const r = (await page.evaluate(() => (window as any).benchPending)) as {
        drawn: number;
        painted: number;
      } | null;
      if (!r) lost++;
      else {
        samples[label].drawn.push(r.drawn);
        samples[label].painted.push(r.painted);
      }
      // Both pages draw each change; let the other one finish first.
      await page.waitForTimeout(30 + Math.random() * 30);
    }
    await term.stop();
  } finally {
    await bench.stop();
  }
  const rows = Object.entries(samples).map(([label, s]) => {
    const drawn = [...s.drawn].sort((a, b) => a - b);
    const painted = [...s.painted].sort((a, b) => a - b);
    return {
      path: label,
      keys: drawn.length,
      drawnP50: percentile(drawn, 50),
      drawnP99: percentile(drawn, 99),
      paintedP50: percentile(painted, 50),
      paintedP99: percentile(painted, 99),
    };
  });
  const ws = rows.find(r => r.path === 'websockify')!;
  console.log(
    `\nkey in Chromium -> changed pixel on noVNC's canvas (drawn) and the next animation frame (painted); ${KEYS} keys alternating between the paths, ${lost} lost; load average before ${loadBefore}, after ${loadAverage()}`,
  );
  console.table(
    rows.map(r => ({
      path: r.path,
      keys: r.keys,
      'drawn p50 ms': r.drawnP50.toFixed(2),
      'drawn p99 ms': r.drawnP99.toFixed(2),
      'added p99 ms (drawn)': (r.drawnP99 - ws.drawnP99).toFixed(2),
      'painted p50 ms': r.paintedP50.toFixed(2),
      'painted p99 ms': r.paintedP99.toFixed(2),
      'added p99 ms (painted)': (r.paintedP99 - ws.paintedP99).toFixed(2),
    })),
  );
  writeResults('input-latency', { keys: KEYS, lost, rows, samples });
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
