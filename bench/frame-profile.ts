/*
 * Frame profile: how smoothly the console's noVNC client in Debian's
 * Chromium shows a real Xvnc desktop (1600×900 unless BENCH_GEOMETRY says
 * otherwise) through the portal's console proxy, and where each frame's
 * main-thread time goes. Three workloads: text scrolling in an xterm as
 * fast as it prints, a window dragged with xdotool, and the whole screen
 * changing (reverse video toggled 25 times a second). Each runs once per
 * variant: "before" is the console's settings before issue 24 (Broadband,
 * quality 6, compression 2, Fit mode), "after" the console's default preset
 * today; the others are candidates, with TigerVNC settings changed on the
 * live server with vncconfig. Ratios are after / before.
 * Run: bash bench/run.sh frame-profile [seconds per workload]
 */
import os from 'os';
import type { Page } from 'playwright-core';
import {
  consoleQualityPreset,
  DEFAULT_CONSOLE_QUALITY_PRESET,
} from '@desktop-mania/plugin-workspaces-common';
import { profileMainThread } from './lib/cpuProfile';

process.env.BENCH_GEOMETRY ??= '1600x900';
const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 900) * 1000;
const DOCUMENT = '/usr/share/common-licenses/GPL-3';

setTimeout(() => {
  process.stderr.write(
    `frame-profile: gave up after ${DEADLINE_MS / 1000} s\n`,
  );
  process.exit(1);
}, DEADLINE_MS).unref();

interface Variant {
  options: Record<string, number | boolean>;
  /** TigerVNC parameters set on the live server for this variant. */
  server?: string[];
}

const after = consoleQualityPreset(DEFAULT_CONSOLE_QUALITY_PRESET);
// Mirrors the TigerVNC settings DesktopLauncher gives local desktops since
// issue 24; the bench's own Xvnc starts with TigerVNC's defaults.
const AFTER_SERVER: string[] = [];
const FIT = { scaleViewport: true, resizeSession: true };
// TigerVNC parameters a variant name may set: fr30 is FrameRate=30.
const SERVER_PARAMS: Record<string, string> = {
  fr: 'FrameRate',
  cmp: 'CompareFB',
  zl: 'ZlibLevel',
};

/**
 * "before" is the console before issue 24, "after" its default preset
 * today; any other name lists settings, e.g. "q6 c0 fr30 cmp0".
 */
function variantOf(name: string): Variant {
  if (name === 'before')
    return { options: { qualityLevel: 6, compressionLevel: 2, ...FIT } };
  if (name === 'after')
    return {
      options: {
        qualityLevel: after.qualityLevel,
        compressionLevel: after.compressionLevel,
        ...FIT,
      },
      server: AFTER_SERVER,
    };
  const v: Variant = { options: { ...FIT }, server: [] };
  for (const token of name.split(/\s+/)) {
    const m = /^([a-z]+)(-?\d+)$/.exec(token);
    if (m?.[1] === 'q') v.options.qualityLevel = Number(m[2]);
    else if (m?.[1] === 'c') v.options.compressionLevel = Number(m[2]);
    else if (m && SERVER_PARAMS[m[1]])
      v.server!.push(`${SERVER_PARAMS[m[1]]}=${m[2]}`);
    else throw new Error(`frame-profile: no setting ${token} in ${name}`);
  }
  return v;
}
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'before,after')
  .split(',')
  .map(v => v.trim());

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

const WORKLOADS: Record<
  string,
  (lib: Desktop, display: string) => { stop: () => Promise<void> }
> = {
  'scrolling text': (lib, display) =>
    lib.xterm(display, () => `while :; do cat ${DOCUMENT}; done\n`),
  'window drag': (lib, display) => {
    const term = lib.xterm(
      display,
      () => `cat ${DOCUMENT}; exec sleep 600\n`,
      '80x30+0+0',
      'bench-drag',
    );
    let moving = true;
    const loop = (async () => {
      await new Promise(r => setTimeout(r, 500));
      for (let i = 0; moving; i++) {
        const x = 40 + ((i * 20) % 900);
        const y = 40 + ((i * 7) % 400);
        await lib.onDesktop(display, 'xdotool', [
          'search',
          '--name',
          'bench-drag',
          'windowmove',
          String(x),
          String(y),
        ]).exited;
      }
    })();
    return {
      stop: async () => {
        moving = false;
        await loop;
        await term.stop();
      },
    };
  },
  'full-screen change': (lib, display) =>
    lib.xterm(
      display,
      () => `printf '\\e[?25l'; cat ${DOCUMENT} | head -n 200
while :; do printf '\\e[?5h'; sleep 0.04; printf '\\e[?5l'; sleep 0.04; done\n`,
    ),
};

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

async function measure(page: Page) {
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
  const profile = await profileMainThread(page);
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

async function vncconfig(display: string, settings: string[]) {
  const { onDesktop }: Desktop = require('./lib/browserDesktop');
  for (const s of settings) {
    await onDesktop(display, 'vncconfig', ['-set', s]).exited;
  }
}

async function main() {
  // Required here, not imported above, so that GEOMETRY sees the default set above.
  const lib: Desktop = require('./lib/browserDesktop');
  const loadBefore = lib.loadAverage();
  const bench = await lib.startBrowserBench();
  const results: Record<
    string,
    Record<string, Awaited<ReturnType<typeof measure>>>
  > = {};
  // TigerVNC 1.12's defaults, to put back after a variant changes them.
  const RESET = ['CompareFB=2', 'FrameRate=60', 'ZlibLevel=-1'];
  try {
    for (const workload of Object.keys(WORKLOADS)) {
      results[workload] = {};
      for (const name of VARIANTS) {
        const variant = variantOf(name);
        process.stderr.write(`  ${workload}: ${name}\n`);
        await vncconfig(bench.display, [...RESET, ...(variant.server ?? [])]);
        const page = await lib.openBenchPage(bench.browser);
        const running = WORKLOADS[workload](lib, bench.display);
        try {
          await bench.paths['portal proxy'](page, variant.options as any);
          await countEncodings(page);
          await page.waitForTimeout(1000);
          results[workload][name] = await measure(page);
        } finally {
          await running.stop();
          await page.close();
        }
      }
      await vncconfig(bench.display, RESET);
    }
  } finally {
    await bench.stop();
  }
  console.log(
    `\nnoVNC in Chromium (--disable-gpu) through the portal proxy, Xvnc ${
      process.env.BENCH_GEOMETRY
    }, ${SECONDS} s per workload and variant; ${os.cpus().length} × ${
      os.cpus()[0]?.model
    }; load average before ${loadBefore}, after ${lib.loadAverage()}`,
  );
  const rows = [];
  for (const [workload, byVariant] of Object.entries(results)) {
    const base = byVariant.before;
    for (const [name, r] of Object.entries(byVariant)) {
      const top = Object.entries(r.selfMsPerFrame)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 5)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join('; ');
      rows.push({
        workload,
        variant: name,
        fps: r.fps.toFixed(1),
        'fps ×': base ? (r.fps / base.fps).toFixed(2) : '',
        'main ms/frame': r.msPerFrame.toFixed(1),
        'ms/frame ×': base ? (r.msPerFrame / base.msPerFrame).toFixed(2) : '',
        'Mbit/s': r.mbit.toFixed(1),
        encodings: Object.entries(r.encodings)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        'self ms/frame (top 5)': top,
        load: r.load.toFixed(2),
      });
    }
  }
  console.table(rows);
  lib.writeResults('frame-profile', { seconds: SECONDS, results });
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
