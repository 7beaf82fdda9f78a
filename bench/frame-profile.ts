/*
 * Frame profile: how smoothly the portal's Desktop tab shows a local
 * desktop in Debian's Chromium, and where each frame's main-thread time
 * goes. Everything is the product's: the backend serving the built app,
 * a desktop ordered through the API and started by the local provider
 * (Xvnc, openbox, xterm), and the suite's console (DesktopConsole) on the
 * Desktop tab, sized so the desktop is 1600×900 (BENCH_GEOMETRY). Three
 * workloads: text scrolling in the desktop's terminal as fast as it prints,
 * a window dragged with xdotool, and the whole screen changing (reverse
 * video toggled 25 times a second). Each runs once per variant and round
 * (rounds take the variants in turn; medians are reported): "before" is
 * the console before issue 24 (Broadband, quality 6, compression 2, Fit,
 * canvases with the 2D defaults, noVNC's own CopyRect) on TigerVNC's
 * defaults, "after" the console and desktop as they are built now; the
 * others are candidates. A name may end in #tag (after#2) to run the same
 * settings twice, which shows how far two identical variants differ.
 * Ratios are variant / before, all measured in the same run.
 * Run: bash bench/run.sh frame-profile [seconds per workload] [rounds]
 */
import os from 'os';
import path from 'path';
import type { Page } from 'playwright-core';
import { profileMainThread } from './lib/cpuProfile';
import { bundleSources } from './lib/frameSourceMaps';
import { startPortalDesktop, type DesktopTabSettings } from './lib/framePortal';
import { WORKLOADS } from './lib/frameWorkloads';
import { reportRows, type FrameResult } from './lib/frameReport';

process.env.BENCH_GEOMETRY ??= '1600x900';
const GEOMETRY = process.env.BENCH_GEOMETRY;
const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.argv[3] ?? process.env.BENCH_ROUNDS ?? 3);
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 3600) * 1000;
const DIST = path.resolve(__dirname, '../packages/app/dist');

interface Variant {
  tab: DesktopTabSettings;
  /** noVNC settings assigned to the live client after it connects. */
  options: Record<string, number>;
  /** TigerVNC parameters set on the live server for this variant. */
  server: string[];
  /** noVNC's own CopyRect (a self-draw of the back buffer) instead of the console's. */
  nativeCopy?: boolean;
  /** noVNC's own JPEG decoding (a base64 data: URL into an img) instead of the console's. */
  nativeJpeg?: boolean;
}

// TigerVNC 1.12's defaults, put back before every variant.
const RESET = ['CompareFB=2', 'FrameRate=60', 'ZlibLevel=-1'];
// TigerVNC parameters a variant name may set: fr30 is FrameRate=30.
const SERVER_PARAMS: Record<string, string> = {
  fr: 'FrameRate',
  cmp: 'CompareFB',
  zl: 'ZlibLevel',
};
// Canvas 2D context options a variant may force: "opaque" is alpha false.
const CANVAS: Record<string, Record<string, unknown>> = {
  opaque: { alpha: false },
  alpha: { alpha: true },
  desync: { desynchronized: true },
  opaquedesync: { alpha: false, desynchronized: true },
};

/**
 * "before" is the console before issue 24, "after" the build as it is; any
 * other name adds settings to "after", e.g. "q6 c0 fr30 cmp0 opaque
 * copynative jpegnative".
 */
function variantOf(tagged: string): Variant {
  const name = tagged.replace(/#.*$/, '');
  if (name === 'before')
    return {
      tab: { quality: 'broadband', canvasOptions: CANVAS.alpha },
      options: {},
      server: [],
      nativeCopy: true,
      nativeJpeg: true,
    };
  const v: Variant = { tab: {}, options: {}, server: [] };
  if (name === 'after') return v;
  for (const token of name.split(/\s+/)) {
    const m = /^([a-z]+)(-?\d+)$/.exec(token);
    if (CANVAS[token]) v.tab.canvasOptions = CANVAS[token];
    else if (token === 'copynative') v.nativeCopy = true;
    else if (token === 'jpegnative') v.nativeJpeg = true;
    else if (m?.[1] === 'q') v.options.qualityLevel = Number(m[2]);
    else if (m?.[1] === 'c') v.options.compressionLevel = Number(m[2]);
    else if (m && SERVER_PARAMS[m[1]])
      v.server.push(`${SERVER_PARAMS[m[1]]}=${m[2]}`);
    else throw new Error(`frame-profile: no setting ${token} in ${name}`);
  }
  return v;
}
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'before,after')
  .split(',')
  .map(v => v.trim());

const WORKLOAD_NAMES = (
  process.env.BENCH_WORKLOADS ?? Object.keys(WORKLOADS).join(',')
)
  .split(',')
  .map(w => w.trim());

// RFB encoding numbers as noVNC keys its decoders.
const ENCODING_NAMES: Record<string, string> = {
  '0': 'raw',
  '1': 'copyrect',
  '2': 'rre',
  '5': 'hextile',
  '6': 'zlib',
  '7': 'tight',
  '16': 'zrle',
  '21': 'jpeg',
  '50': 'h264',
  '-260': 'tightPNG',
};

type Desktop = typeof import('./lib/browserDesktop');

/** Counts the rectangles per encoding the server chose, and the ms each decoder ran. */
async function countEncodings(page: Page) {
  await page.evaluate(() => {
    const w = window as any;
    w.benchEnc = {};
    // A frame is a flip that draws: noVNC's own flip() only queues one
    // behind images still decoding, and the queue flips again later.
    w.benchFrames = 0;
    const display = w.rfb._display;
    const flip = display.flip;
    display.flip = (fromQueue?: boolean) => {
      if (fromQueue || display._renderQ.length === 0) w.benchFrames++;
      return flip.call(display, fromQueue);
    };
    for (const [enc, decoder] of Object.entries<any>(w.rfb._decoders)) {
      const decode = decoder.decodeRect.bind(decoder);
      decoder.decodeRect = (...args: unknown[]) => {
        const t = performance.now();
        const done = decode(...args);
        const e = (w.benchEnc[enc] ??= { rects: 0, ms: 0 });
        e.ms += performance.now() - t;
        if (done) e.rects++;
        return done;
      };
    }
  });
}

async function measure(page: Page, source: ReturnType<typeof bundleSources>) {
  const read = () =>
    page.evaluate(() => {
      const w = window as any;
      return {
        frames: w.benchFrames as number,
        bytes: w.bench.bytes as number,
        enc: JSON.parse(JSON.stringify(w.benchEnc)) as Record<
          string,
          { rects: number; ms: number }
        >,
      };
    });
  const profile = await profileMainThread(page, source);
  const busy0 = await profile.busy();
  const a = await read();
  const t0 = Date.now();
  await page.waitForTimeout(SECONDS * 1000);
  const b = await read();
  const seconds = (Date.now() - t0) / 1000;
  const busyMs = (await profile.busy()) - busy0;
  const self = await profile.stop();
  const frames = b.frames - a.frames;
  const encodings = Object.fromEntries(
    Object.entries(b.enc)
      .map(([k, v]) => [
        ENCODING_NAMES[k] ?? k,
        v.rects - (a.enc[k]?.rects ?? 0),
      ])
      .filter(([, n]) => Number(n) > 0),
  );
  return {
    frames,
    fps: frames / seconds,
    msPerFrame: frames ? busyMs / frames : NaN,
    mbit: ((b.bytes - a.bytes) * 8) / seconds / 1e6,
    encodings,
    selfMsPerFrame: Object.fromEntries(
      Object.entries(self).map(([k, v]) => [k, frames ? v / frames : NaN]),
    ),
    load: os.loadavg()[0],
  };
}

async function vncconfig(lib: Desktop, display: string, settings: string[]) {
  for (const s of settings) {
    await lib.onDesktop(display, 'vncconfig', ['-set', s]).exited;
  }
}

type Result = FrameResult;

/** One workload under one variant, in a fresh Desktop tab. */
async function runOne(
  lib: Desktop,
  portal: Awaited<ReturnType<typeof startPortalDesktop>>,
  workload: string,
  variant: Variant,
  source: ReturnType<typeof bundleSources>,
): Promise<Result> {
  await vncconfig(lib, portal.display, [...RESET, ...variant.server]);
  const { page, context } = await portal.openDesktopTab(variant.tab);
  let crashed = '';
  page.on('crash', () => {
    crashed = 'the page crashed';
  });
  page.on('close', () => {
    crashed ||= 'the page closed';
  });
  const running = WORKLOADS[workload](lib, portal.display, GEOMETRY);
  try {
    if (Object.keys(variant.options).length)
      await page.evaluate(
        o => Object.assign((window as any).rfb, o),
        variant.options,
      );
    // The console gives its client's Display a copy of its own; without
    // it the Display's prototype, noVNC's self-draw, answers again.
    if (variant.nativeCopy)
      await page.evaluate(() => delete (window as any).rfb._display.copyImage);
    if (variant.nativeJpeg)
      await page.evaluate(() => delete (window as any).rfb._display.imageRect);
    await countEncodings(page);
    await page.waitForTimeout(1000);
    const result = await measure(page, source);
    // Whether the browser rescales the desktop's canvas when it paints,
    // and what the variant really ran with, read from the live client.
    const { scale, settings } = await page.evaluate(() => {
      const rfb = (window as any).rfb;
      const d = rfb._display;
      const attrs = (ctx: CanvasRenderingContext2D) =>
        JSON.stringify(ctx.getContextAttributes?.() ?? {});
      return {
        scale: `${d._scale} (${rfb._canvas.style.width} × ${rfb._canvas.style.height})`,
        settings: [
          `q${rfb.qualityLevel} c${rfb.compressionLevel}`,
          rfb.scaleViewport ? 'scaled' : 'unscaled',
          rfb.resizeSession ? 'resize' : 'no resize',
          `copy ${
            Object.prototype.hasOwnProperty.call(d, 'copyImage')
              ? 'console'
              : 'noVNC'
          }`,
          `jpeg ${
            Object.prototype.hasOwnProperty.call(d, 'imageRect')
              ? 'console'
              : 'noVNC'
          }`,
          `canvas ${attrs(d._targetCtx)}, back buffer ${attrs(d._drawCtx)}`,
        ].join(', '),
      };
    });
    return { ...result, scale, settings };
  } catch (error) {
    throw new Error(crashed ? `${crashed}: ${error}` : String(error));
  } finally {
    await running.stop();
    await context.close();
  }
}

async function main() {
  // Required here, not imported above, so that GEOMETRY sees the default set above.
  const lib: Desktop = require('./lib/browserDesktop');
  const loadBefore = lib.loadAverage();
  const portal = await startPortalDesktop({
    geometry: GEOMETRY,
    // The last resort: past it the processes go, the desktop may be left.
    deadlineMs: DEADLINE_MS + 600_000,
  });
  // Past the deadline the desktop is deleted through the portal first.
  setTimeout(() => {
    process.stderr.write(
      `frame-profile: gave up after ${DEADLINE_MS / 1000} s\n`,
    );
    portal.stop().finally(() => process.exit(1));
  }, DEADLINE_MS).unref();
  // The desktop's X server takes clients with its cookie only.
  process.env.XAUTHORITY = portal.xauthority;
  const source = bundleSources(DIST);
  const results: Record<string, Record<string, Result[]>> = {};
  const failures: string[] = [];
  try {
    for (const workload of WORKLOAD_NAMES) {
      results[workload] = {};
      // Rounds take the variants in turn, so that a slower spell of the
      // machine falls on all of them.
      for (let round = 1; round <= ROUNDS; round++) {
        // Each round starts one variant later, so that no variant always
        // runs first (right after a fresh desktop or a quiet spell).
        const shift = (round - 1) % VARIANTS.length;
        const order = [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)];
        for (const name of order) {
          process.stderr.write(
            `  ${workload}, round ${round}: ${name} (load ${lib.loadAverage()})\n`,
          );
          try {
            (results[workload][name] ??= []).push(
              await runOne(lib, portal, workload, variantOf(name), source),
            );
            // Kept as it goes, so a run cut short still leaves its rounds.
            lib.writeResults('frame-profile', { partial: true, results });
          } catch (error) {
            // A failed tab is reported with its round, not fatal.
            const why = `${workload}, round ${round}, ${name}: ${error}`;
            process.stderr.write(`  failed: ${why}\n`);
            failures.push(why);
          }
        }
      }
    }
    await vncconfig(lib, portal.display, RESET);
  } finally {
    await portal.stop();
  }
  console.log(
    `\nThe portal's Desktop tab in Chromium (--disable-gpu), local desktop ${GEOMETRY}, ${SECONDS} s per workload and variant, ${ROUNDS} rounds; ${
      os.cpus().length
    } × ${
      os.cpus()[0]?.model
    }; load average before ${loadBefore}, after ${lib.loadAverage()}`,
  );
  const { rows, notes } = reportRows(results);
  console.table(rows);
  for (const line of notes) console.log(line);
  for (const f of failures) console.log(`failed: ${f}`);
  lib.writeResults('frame-profile', { seconds: SECONDS, results, failures });
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
