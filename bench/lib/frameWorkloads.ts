/*
 * What the frame profile makes a desktop draw: text scrolling in a terminal
 * as fast as it prints, a window dragged about, and the whole screen
 * changing 25 times a second. The terminals are started with the local
 * provider's own terminal command line, so that the options a desktop's
 * terminal has (font, scrolling) are the ones measured.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { DEFAULT_BINARIES } from '../../plugins/workspaces-backend-module-local/src/binaries';
import type * as BrowserDesktop from './browserDesktop';

type Desktop = typeof BrowserDesktop;

const DOCUMENT = '/usr/share/common-licenses/GPL-3';
/** A drag as a hand makes it: one pointer move a frame at 60 Hz. */
const DRAG_STEP_MS = 16;

export interface Running {
  stop(): Promise<void>;
}

/**
 * A terminal as the desktop starts one (without -maximized, which needs the
 * window manager to act), at `geometry` in cells, running a bash script.
 */
export function terminal(
  lib: Desktop,
  display: string,
  script: string,
  options: { geometry: string; title: string },
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-xterm-'));
  const file = path.join(dir, 'script.sh');
  fs.writeFileSync(file, script);
  const [command, ...args] = (
    process.env.BENCH_TERMINAL ?? DEFAULT_BINARIES.terminal
  )
    .split(/\s+/)
    .filter(a => a !== '-maximized');
  const titleAt = args.indexOf('-title');
  if (titleAt >= 0) args.splice(titleAt, 2);
  const term = lib.onDesktop(display, command, [
    ...args,
    '-geometry',
    options.geometry,
    '-title',
    options.title,
    '-e',
    'bash',
    file,
  ]);
  return {
    stop: async () => {
      await term.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Cells enough to cover a screen of `geometry` pixels with the smallest font in use. */
function covering(geometry: string) {
  const [w, h] = geometry.split('x').map(Number);
  return `${Math.ceil(w / 6)}x${Math.ceil(h / 12)}+0+0`;
}

export const WORKLOADS: Record<
  string,
  (lib: Desktop, display: string, geometry: string) => Running
> = {
  'scrolling text': (lib, display, geometry) =>
    terminal(lib, display, `while :; do cat ${DOCUMENT}; done\n`, {
      geometry: covering(geometry),
      title: 'bench',
    }),
  'window drag': (lib, display) => {
    const term = terminal(lib, display, `cat ${DOCUMENT}; exec sleep 600\n`, {
      geometry: '80x30+0+0',
      title: 'bench-drag',
    });
    let moving = true;
    // Paced: an unpaced loop of xdotool processes competes for the CPU with
    // what is measured, and a failed move must not end the run.
    const loop = (async () => {
      await new Promise(r => setTimeout(r, 500));
      for (let i = 0; moving; i++) {
        const t = Date.now();
        await lib.onDesktop(display, 'xdotool', [
          'search',
          '--name',
          'bench-drag',
          'windowmove',
          String(40 + ((i * 20) % 900)),
          String(40 + ((i * 7) % 400)),
        ]).exited;
        const left = DRAG_STEP_MS - (Date.now() - t);
        if (left > 0) await new Promise(r => setTimeout(r, left));
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
  'full-screen change': (lib, display, geometry) =>
    terminal(
      lib,
      display,
      `printf '\\e[?25l'; cat ${DOCUMENT} | head -n 200
while :; do printf '\\e[?5h'; sleep 0.04; printf '\\e[?5l'; sleep 0.04; done\n`,
      { geometry: covering(geometry), title: 'bench' },
    ),
};
