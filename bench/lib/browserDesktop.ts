/*
 * What the browser benchmarks share: a real Xvnc with programs on it, the
 * portal's console proxy and Debian's websockify in front of it, and headless
 * Chromium running the noVNC RFB client the console uses, on a page served
 * under the portal's origin (so the proxy's Origin check passes as it does
 * for the Desktop tab).
 */
import { spawn, ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { consoleEndpoint, PORTAL, startPortal } from './portal';
import { startWebsockify, startXvnc, waitFor } from './processes';

// The package exports only its entry, core/rfb.js.
const NOVNC = path.dirname(path.dirname(require.resolve('@novnc/novnc')));

export const GEOMETRY = process.env.BENCH_GEOMETRY ?? '1280x720';

// Timestamps are on the wall clock (timeOrigin + now) so that Node can put
// its own events on the same axis.
const PAGE = `<!doctype html>
<html><body style="margin:0;background:#000">
<div id="screen" style="width:${GEOMETRY.split('x')[0]}px;height:${
  GEOMETRY.split('x')[1]
}px"></div>
<script type="module">
import RFB from '/__bench/novnc/core/rfb.js';
const now = () => performance.timeOrigin + performance.now();
window.bench = { frames: [], onFlip: null, closed: '', bytes: 0 };
// Keeps why a socket closed, which noVNC does not pass on.
const NativeWebSocket = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new NativeWebSocket(...args);
  ws.addEventListener('message', e => {
    window.bench.bytes += e.data.byteLength ?? e.data.length ?? 0;
  });
  ws.addEventListener('close', e => {
    window.bench.closed = e.code + ' ' + e.reason;
  });
  return ws;
};
Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
window.WebSocket.prototype = NativeWebSocket.prototype;
window.benchConnect = (url, protocols, options = {}) =>
  new Promise((resolve, reject) => {
    const rfb = new RFB(document.getElementById('screen'), url, {
      shared: true,
      wsProtocols: protocols,
    });
    Object.assign(rfb, options);
    window.rfb = rfb;
    const display = rfb._display;
    const flip = display.flip;
    // One flip per framebuffer update noVNC has finished drawing.
    display.flip = (...args) => {
      const result = flip.apply(display, args);
      const t = now();
      window.bench.frames.push(t);
      window.bench.onFlip?.(t);
      return result;
    };
    rfb.addEventListener('connect', () => resolve());
    rfb.addEventListener('disconnect', () =>
      reject(new Error('disconnected: ' + window.bench.closed)),
    );
  });
window.benchReady = true;
</script></body></html>`;

export interface Paths {
  /** Connects the page's RFB client through one path; resolves when connected. */
  [label: string]: (
    page: Page,
    options?: Record<string, number>,
  ) => Promise<void>;
}

/** Starts Xvnc, the portal with a desktop on it, websockify and Chromium; `stop` ends them all. */
export async function startBrowserBench() {
  const cleanup: Array<() => void | Promise<void>> = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch {
        // best effort: the rest must still stop
      }
    }
  };
  try {
    const xvnc = await startXvnc(GEOMETRY);
    cleanup.push(xvnc.stop);
    const display = await xvncDisplay(xvnc.socket);
    const websockify = await startWebsockify({ unix: xvnc.socket });
    cleanup.push(websockify.stop);
    const portal = await startPortal({ xvnc: `unix:${xvnc.socket}` });
    cleanup.push(portal.stop);
    await portal.order('xvnc-1');
    const browser: Browser = await chromium.launch({
      executablePath: process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        // The page is answered by the route below, not by an address, so
        // Chromium cannot place it on the loopback network it talks to.
        '--disable-features=LocalNetworkAccessChecks',
      ],
    });
    cleanup.push(() => browser.close());
    const { url, protocols } = consoleEndpoint('xvnc-1', portal.token);
    const paths: Paths = {
      'portal proxy': (page, options) => connect(page, url, protocols, options),
      websockify: (page, options) =>
        connect(page, websockify.url, ['binary'], options),
    };
    return {
      display,
      browser,
      paths,
      portalPid: portal.pid,
      token: portal.token,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function xvncDisplay(socket: string) {
  // startXvnc picks the first free display; its lock file names it.
  let found: string | undefined;
  await waitFor(() => {
    for (const f of fs
      .readdirSync('/tmp')
      .filter(n => /^\.X\d+-lock$/.test(n))) {
      const pid = Number(fs.readFileSync(`/tmp/${f}`, 'utf8').trim());
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (cmd.includes(socket)) found = `:${/\d+/.exec(f)![0]}`;
      } catch {
        // stale lock
      }
    }
    return found !== undefined;
  }, 'the Xvnc display');
  return found!;
}

/** A fresh page under the portal's origin, with noVNC served from node_modules. */
export async function openBenchPage(browser: Browser) {
  const page = await browser.newPage({
    viewport: {
      width: Number(GEOMETRY.split('x')[0]),
      height: Number(GEOMETRY.split('x')[1]),
    },
  });
  await page.route(`${PORTAL}/__bench/**`, route => {
    const { pathname } = new URL(route.request().url());
    if (pathname === '/__bench/page.html')
      return route.fulfill({ contentType: 'text/html', body: PAGE });
    const file = path.join(NOVNC, pathname.replace('/__bench/novnc/', ''));
    if (!file.startsWith(NOVNC) || !fs.existsSync(file))
      return route.fulfill({ status: 404 });
    return route.fulfill({
      contentType: 'text/javascript',
      body: fs.readFileSync(file),
    });
  });
  await page.goto(`${PORTAL}/__bench/page.html`);
  await page.waitForFunction(() => (window as any).benchReady === true);
  return page;
}

async function connect(
  page: Page,
  url: string,
  protocols: string[],
  options: Record<string, number> = {},
) {
  await page.evaluate(([u, p, o]) => (window as any).benchConnect(u, p, o), [
    url,
    protocols,
    options,
  ] as const);
}

/** Runs a program on the desktop; `stop` ends it. */
export function onDesktop(display: string, command: string, args: string[]) {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, DISPLAY: display },
    stdio: 'ignore',
  });
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  return {
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An xterm filling the desktop, black, running a bash script. */
export function xterm(
  display: string,
  script: (dir: string) => string,
  geometry?: string,
  title = 'bench',
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-xterm-'));
  const file = path.join(dir, 'script.sh');
  fs.writeFileSync(file, script(dir));
  const [w, h] = GEOMETRY.split('x').map(Number);
  const term = onDesktop(display, 'xterm', [
    '-fa',
    'DejaVu Sans Mono',
    '-fs',
    '10',
    '-bg',
    'black',
    '-fg',
    '#d0d0d0',
    // More cells than fit: xterm clips to the screen, so it covers it.
    '-geometry',
    geometry ?? `${Math.ceil(w / 6)}x${Math.ceil(h / 12)}+0+0`,
    '-T',
    title,
    '-e',
    'bash',
    file,
  ]);
  return {
    dir,
    exited: term.exited,
    stop: async () => {
      await term.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Types text on the desktop the way a keyboard would (XTEST), into the window under the pointer. */
export async function typeOnDesktop(
  display: string,
  text: string,
  delayMs = 30,
) {
  await onDesktop(display, 'xdotool', ['mousemove', '40', '40']).exited;
  await onDesktop(display, 'xdotool', [
    'type',
    '--delay',
    String(delayMs),
    text,
  ]).exited;
}

/** Resolves once a counter has not moved for `quietMs`, or after `maxMs`. */
export async function settle(
  read: () => Promise<number>,
  quietMs = 500,
  maxMs = 10_000,
) {
  const until = Date.now() + maxMs;
  let last = await read();
  while (Date.now() < until) {
    await new Promise(r => setTimeout(r, quietMs));
    const now = await read();
    if (now === last) return;
    last = now;
  }
}

export function median(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function loadAverage() {
  return os
    .loadavg()
    .map(l => l.toFixed(2))
    .join(' ');
}

/** Writes a benchmark's figures beside the others. */
export function writeResults(name: string, data: object) {
  const out = path.resolve(__dirname, '..', 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, `${name}.json`),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model}`,
        loadAverage: loadAverage(),
        ...data,
      },
      null,
      2,
    ),
  );
}
