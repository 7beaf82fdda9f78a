/*
 * What one CopyRect costs in Chromium's 2D canvas, apart from the portal:
 * noVNC's self-draw of its back buffer ("native"), the console's copy
 * through a scratch canvas ("scratch", consoleCopyRect.ts in
 * workspaces-react) and getImageData/putImageData ("imagedata"), on a
 * back buffer the desktop's size. Every copy comes with what a frame has
 * around it: a small Tight-like putImageData, and a flip onto the visible
 * canvas every fifth copy; "none" is that alone, the baseline of the same
 * run. Modes take turns within each rectangle size, twice, reversed.
 * Run alone: node --require @backstage/cli/config/nodeTransform.cjs
 * bench/lib/frameCopyCost.ts [WxH]
 */
import os from 'os';
import { chromium, type Browser } from 'playwright-core';

/** Rectangles as the workloads move them: an 80x30 xterm, a scrolled screen, a line. */
const RECTS: Array<[number, number]> = [
  [500, 400],
  [1600, 880],
  [40, 12],
];

function inPage([W, H, rects]: [number, number, Array<[number, number]>]) {
  const target = document.createElement('canvas');
  target.width = W;
  target.height = H;
  document.body.appendChild(target);
  const bb = document.createElement('canvas');
  bb.width = W;
  bb.height = H;
  const ctx = bb.getContext('2d')!;
  const shown = target.getContext('2d')!;
  const img = new ImageData(W, H);
  for (let i = 0; i < img.data.length; i++)
    img.data[i] = i % 4 === 3 ? 255 : (i * 7) & 255;
  ctx.putImageData(img, 0, 0);
  const scratch = document.createElement('canvas');
  scratch.width = W;
  scratch.height = H;
  const sctx = scratch.getContext('2d')!;
  type Copy = (
    ox: number,
    oy: number,
    x: number,
    y: number,
    w: number,
    h: number,
  ) => void;
  const modes: Record<string, Copy> = {
    none: () => undefined,
    native: (ox, oy, x, y, w, h) => ctx.drawImage(bb, ox, oy, w, h, x, y, w, h),
    scratch: (ox, oy, x, y, w, h) => {
      sctx.clearRect(0, 0, w, h);
      sctx.drawImage(bb, ox, oy, w, h, 0, 0, w, h);
      ctx.drawImage(scratch, 0, 0, w, h, x, y, w, h);
    },
    imagedata: (ox, oy, x, y, w, h) =>
      ctx.putImageData(ctx.getImageData(ox, oy, w, h), x, y),
  };
  const tile = new ImageData(64, 16);
  const ms: Record<string, number[]> = {};
  for (const reversed of [false, true]) {
    for (const [w, h] of rects) {
      const names = Object.keys(modes);
      for (const name of reversed ? names.reverse() : names) {
        const n = w * h > 200_000 ? 20 : 50;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          ctx.putImageData(tile, (i * 13) % (W - 64), (i * 7) % (H - 16));
          const cw = Math.min(w, W - 21);
          const ch = Math.min(h, H - 21);
          modes[name](i % 20, 20, (i + 1) % 20, 21, cw, ch);
          if (i % 5 === 4) shown.drawImage(bb, 0, 0, W, H, 0, 0, W, H);
        }
        // Waits for the drawing, should the browser defer it.
        shown.getImageData(0, 0, 1, 1);
        (ms[`${name} ${w}x${h}`] ??= []).push((performance.now() - t0) / n);
      }
    }
  }
  return ms;
}

/** ms per copy over the baseline, per mode and size, with the load beside them. */
export async function copyCost(browser: Browser, geometry: string) {
  const [W, H] = geometry.split('x').map(Number);
  const page = await browser.newPage();
  try {
    const load = os.loadavg()[0].toFixed(1);
    const ms = await page.evaluate(inPage, [W, H, RECTS] as [
      number,
      number,
      Array<[number, number]>,
    ]);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const rows = RECTS.map(([w, h]) => {
      const base = mean(ms[`none ${w}x${h}`]);
      const over = (mode: string) => mean(ms[`${mode} ${w}x${h}`]) - base;
      return {
        rect: `${w}x${h}`,
        'baseline ms': base.toFixed(1),
        'native ms': over('native').toFixed(1),
        'scratch ms': over('scratch').toFixed(1),
        'imagedata ms': over('imagedata').toFixed(1),
        'scratch / native': (over('scratch') / over('native')).toFixed(2),
        load,
      };
    });
    return rows;
  } finally {
    await page.close();
  }
}

if (require.main === module) {
  (async () => {
    const browser = await chromium.launch({
      executablePath: process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      console.log(
        `CopyRect cost on a ${
          process.argv[2] ?? '1600x900'
        } back buffer, ms per copy over the baseline (Chromium --disable-gpu)`,
      );
      console.table(await copyCost(browser, process.argv[2] ?? '1600x900'));
    } finally {
      await browser.close();
    }
  })().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
