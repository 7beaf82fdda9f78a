/*
 * Browser relay: headless Chromium running the console's noVNC client draws
 * a scripted stream from a real Xvnc (an xterm that repaints the whole
 * screen, scrolls text at a fixed pace, then echoes typing), once through
 * the portal's console proxy and once through Debian's websockify, in
 * alternating order. Reports framebuffer updates drawn per second, how long
 * after the script ended the last one was drawn, and the page's main-thread
 * time per update (Chromium's Performance metrics).
 * Run: bash bench/run.sh browser-relay [runs]
 */
import fs from 'fs';
import path from 'path';
import {
  loadAverage,
  median,
  openBenchPage,
  settle,
  startBrowserBench,
  typeOnDesktop,
  writeResults,
  xterm,
} from './lib/browserDesktop';
import { waitFor } from './lib/processes';

const RUNS = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 3);
const COLOURS = Number(process.env.BENCH_COLOURS ?? 20);
const SCROLL_LINES = Number(process.env.BENCH_SCROLL_LINES ?? 3000);
const TYPED = (
  process.env.BENCH_TYPED ?? 'the quick brown fox jumps over the lazy dog '
).repeat(Number(process.env.BENCH_TYPED_TIMES ?? 1));
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;

setTimeout(() => {
  process.stderr.write(
    `browser-relay: gave up after ${DEADLINE_MS / 1000} s\n`,
  );
  process.exit(1);
}, DEADLINE_MS).unref();

/** Whole-screen repaints, then text scrolled 40 lines every 20 ms, then an echoing prompt for typing. */
function script(dir: string) {
  const colours = ['8b0000', '006400', '00008b', 'd0d0d0', '000000'];
  return `printf '\\e[?25l'
for i in $(seq 0 ${COLOURS - 1}); do
  c=(${colours.join(' ')}); printf '\\e]11;#%s\\a' "\${c[$((i % ${
    colours.length
  }))]}"; clear; sleep 0.05
done
printf '\\e]11;#000000\\a'; clear
for s in $(seq 0 40 ${SCROLL_LINES - 1}); do
  seq -f "%06g  Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod" $s $((s + 39)); sleep 0.02
done
clear; printf '\\e[?25h$ '
touch ${dir}/typing
exec cat >/dev/null
`;
}

async function once(
  bench: Awaited<ReturnType<typeof startBrowserBench>>,
  label: string,
) {
  process.stderr.write(`  ${label}\n`);
  const page = await openBenchPage(bench.browser);
  try {
    await bench.paths[label](page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    // Let the first full update land before counting.
    await page.waitForTimeout(500);
    const metrics = async () =>
      Object.fromEntries(
        (await cdp.send('Performance.getMetrics')).metrics.map(m => [
          m.name,
          m.value,
        ]),
      );
    const m0 = await metrics();
    const start = Date.now();
    const term = xterm(bench.display, script);
    await waitFor(
      () => fs.existsSync(path.join(term.dir, 'typing')),
      'the scrolling to end',
      120_000,
    );
    await typeOnDesktop(bench.display, TYPED);
    const scriptEnd = Date.now();
    // Done when nothing more is drawn for half a second.
    await settle(() =>
      page.evaluate(() => (window as any).bench.frames.length as number),
    );
    const m1 = await metrics();
    const frames: number[] = (
      await page.evaluate(() => (window as any).bench.frames)
    ).filter((t: number) => t >= start);
    await term.stop();
    const last = frames[frames.length - 1] ?? start;
    const taskMs = (m1.TaskDuration - m0.TaskDuration) * 1000;
    return {
      frames: frames.length,
      fps: frames.length / ((last - start) / 1000),
      lastFrameAfterScriptMs: last - scriptEnd,
      scriptSeconds: (scriptEnd - start) / 1000,
      mainThreadMsPerFrame: taskMs / Math.max(1, frames.length),
      scriptMsPerFrame:
        ((m1.ScriptDuration - m0.ScriptDuration) * 1000) /
        Math.max(1, frames.length),
    };
  } finally {
    await page.close();
  }
}

async function main() {
  const loadBefore = loadAverage();
  const bench = await startBrowserBench();
  const runs: Record<string, Awaited<ReturnType<typeof once>>[]> = {
    'portal proxy': [],
    websockify: [],
  };
  try {
    for (let i = 0; i < RUNS; i++) {
      process.stderr.write(`run ${i + 1}/${RUNS}\n`);
      // Alternating order, so neither path always runs on a warmer machine.
      const order =
        i % 2 ? ['websockify', 'portal proxy'] : ['portal proxy', 'websockify'];
      for (const label of order) runs[label].push(await once(bench, label));
    }
  } finally {
    await bench.stop();
  }
  const rows = Object.entries(runs).map(([label, r]) => ({
    path: label,
    frames: median(r.map(x => x.frames)),
    fps: median(r.map(x => x.fps)),
    lastMs: median(r.map(x => x.lastFrameAfterScriptMs)),
    taskMs: median(r.map(x => x.mainThreadMsPerFrame)),
    scriptMs: median(r.map(x => x.scriptMsPerFrame)),
    scriptS: median(r.map(x => x.scriptSeconds)),
  }));
  const ws = rows.find(r => r.path === 'websockify')!;
  console.log(
    `\nnoVNC in Chromium, Xvnc ${
      process.env.BENCH_GEOMETRY ?? '1280x720'
    }: ${COLOURS} full-screen repaints, ${SCROLL_LINES} scrolled lines, ${
      TYPED.length
    } typed characters; medians of ${RUNS} runs; load average before ${loadBefore}, after ${loadAverage()}`,
  );
  console.table(
    rows.map(r => ({
      path: r.path,
      'updates drawn': r.frames.toFixed(0),
      'updates/s': r.fps.toFixed(1),
      'x websockify (updates/s)': (r.fps / ws.fps).toFixed(2),
      'last update after script, ms': r.lastMs.toFixed(0),
      'main thread ms/update': r.taskMs.toFixed(2),
      'script ms/update': r.scriptMs.toFixed(2),
      'script s': r.scriptS.toFixed(1),
    })),
  );
  writeResults('browser-relay', { runs: RUNS, rows, raw: runs });
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
