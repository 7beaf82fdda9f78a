/*
 * Bandwidth: the bytes a console session receives, through the portal's
 * proxy, for a scripted office workload on a real Xvnc, once with each of
 * the console's quality presets: typing at a prompt, paging and scrolling a
 * long document in less, dragging a window across it, and a short "video"
 * (a block of coloured cells repainted 25 times a second). Saves a
 * screenshot of the document per preset, to judge whether text stays
 * readable.
 * Run: bash bench/run.sh bandwidth
 */
import { spawn } from 'child_process';
import fs from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';
import { CONSOLE_QUALITY_PRESETS } from '@desktop-mania/plugin-workspaces-common';
import {
  loadAverage,
  onDesktop,
  openBenchPage,
  settle,
  startBrowserBench,
  writeResults,
  xterm,
} from './lib/browserDesktop';
import { waitFor } from './lib/processes';

const VIDEO_SECONDS = Number(process.env.BENCH_VIDEO_SECONDS ?? 3);
const PAGES = Number(process.env.BENCH_PAGES ?? 12);
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;
// A comma-separated list of preset ids, to run only those.
const ONLY = process.env.BENCH_PRESETS?.split(',');
const PRESETS = CONSOLE_QUALITY_PRESETS.filter(
  p => !ONLY || ONLY.includes(p.id),
);
const DOCUMENT = '/usr/share/common-licenses/GPL-3';
const TYPED = 'Quarterly figures attached; please review the draft by Friday.';

setTimeout(() => {
  process.stderr.write(`bandwidth: gave up after ${DEADLINE_MS / 1000} s\n`);
  process.exit(1);
}, DEADLINE_MS).unref();

const MAIN = (dir: string) => `clear; printf 'Subject: '; touch ${dir}/ready
read -r line
exec less ${DOCUMENT}
`;

// Random 256-colour cells, two spaces wide, 25 frames a second; the frames
// are made beforehand so that the busy shell cannot slow the video down.
const VIDEO = (dir: string) => {
  for (let f = 0; f < 10; f++) {
    let frame = '\x1b[H';
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 30; c++)
        frame += `\x1b[48;5;${16 + Math.floor(Math.random() * 216)}m  `;
      frame += '\x1b[0m\n';
    }
    fs.writeFileSync(path.join(dir, `frame${f}`), frame);
  }
  return `printf '\\e[?25l'; seq 1 14; touch ${dir}/ready
while [ ! -e ${dir}/play ]; do sleep 0.05; done
for i in $(seq 0 $((${VIDEO_SECONDS} * 25 - 1))); do cat ${dir}/frame$((i % 10)); sleep 0.04; done
touch ${dir}/done; exec sleep 600
`;
};

async function run(
  display: string,
  page: Page,
  tool: (...a: string[]) => Promise<void>,
  shot: string,
) {
  const phases: Record<string, { bytes: number; seconds: number }> = {};
  const bytes = () =>
    page.evaluate(() => (window as any).bench.bytes as number);
  const phase = async (name: string, work: () => Promise<void>) => {
    const b0 = await bytes();
    const t0 = Date.now();
    await work();
    // What the work caused may still be arriving: wait for a quiet half second.
    await settle(bytes);
    phases[name] = {
      bytes: (await bytes()) - b0,
      seconds: (Date.now() - t0) / 1000,
    };
  };
  const shell = xterm(display, MAIN);
  const video = { term: undefined as ReturnType<typeof xterm> | undefined };
  try {
    await waitFor(
      () => fs.existsSync(path.join(shell.dir, 'ready')),
      'the prompt',
    );
    // The first whole screen is not typing's.
    await settle(bytes);
    await phase('typing', async () => {
      await tool('mousemove', '400', '300');
      await tool('type', '--delay', '40', TYPED);
      await tool('key', 'Return');
    });
    await phase('paging and scrolling', async () => {
      for (let i = 0; i < PAGES; i++)
        await tool('key', '--delay', '0', 'space');
      for (let i = 0; i < 30; i++) await tool('key', '--delay', '0', 'j');
    });
    await page.screenshot({ path: shot });
    await phase('dragging a window', async () => {
      const v = xterm(display, VIDEO, '60x15+80+80', 'bench-drag');
      video.term = v;
      await waitFor(
        () => fs.existsSync(path.join(v.dir, 'ready')),
        'the window',
      );
      const id = await new Promise<string>(resolve => {
        const p = spawn(
          'xdotool',
          ['search', '--sync', '--name', 'bench-drag'],
          {
            env: { ...process.env, DISPLAY: display },
          },
        );
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d));
        p.on('exit', () => resolve(out.trim().split('\n')[0]));
      });
      for (let i = 0; i <= 40; i++)
        await tool('windowmove', id, String(80 + i * 15), String(80 + i * 5));
    });
    await phase('video', async () => {
      fs.writeFileSync(path.join(video.term!.dir, 'play'), '');
      await waitFor(
        () => fs.existsSync(path.join(video.term!.dir, 'done')),
        'the video',
        30_000,
      );
    });
    await page.screenshot({ path: shot.replace(/\.png$/, '-video.png') });
  } finally {
    await video.term?.stop();
    await shell.stop();
  }
  return phases;
}

async function main() {
  const loadBefore = loadAverage();
  const bench = await startBrowserBench();
  const out = path.resolve(__dirname, 'results');
  fs.mkdirSync(out, { recursive: true });
  const tool = async (...args: string[]) => {
    await onDesktop(bench.display, 'xdotool', args).exited;
  };
  const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
  try {
    for (const preset of PRESETS) {
      process.stderr.write(`  ${preset.title}\n`);
      const page = await openBenchPage(bench.browser);
      try {
        await bench.paths['portal proxy'](page, {
          qualityLevel: preset.qualityLevel,
          compressionLevel: preset.compressionLevel,
        });
        await page.waitForTimeout(500);
        results[preset.id] = await run(
          bench.display,
          page,
          tool,
          path.join(out, `bandwidth-${preset.id}.png`),
        );
      } finally {
        await page.close();
      }
    }
  } finally {
    await bench.stop();
  }
  const mbit = (p: { bytes: number; seconds: number }) =>
    (p.bytes * 8) / p.seconds / 1e6;
  console.log(
    `\nOffice script through the portal proxy, Xvnc ${
      process.env.BENCH_GEOMETRY ?? '1280x720'
    }; Mbit/s received by the browser per phase; anchor 1 Mbit/s; load average before ${loadBefore}, after ${loadAverage()}`,
  );
  console.table(
    PRESETS.map(p => {
      const r = results[p.id];
      const total = Object.values(r).reduce(
        (s, x) => ({
          bytes: s.bytes + x.bytes,
          seconds: s.seconds + x.seconds,
        }),
        { bytes: 0, seconds: 0 },
      );
      return {
        preset: `${p.title} (q${p.qualityLevel}/c${p.compressionLevel})`,
        ...Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, mbit(v).toFixed(2)]),
        ),
        'whole script Mbit/s': mbit(total).toFixed(2),
        'KB total': (total.bytes / 1000).toFixed(0),
      };
    }),
  );
  writeResults('bandwidth', { results });
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
