/*
 * First load: how soon the portal's first page is usable in Chromium, and
 * how much JavaScript it transfers, for the production build served by the
 * backend (what scripts/start.sh runs) against the development server (what
 * `start.sh --dev` runs), in the same run. Cold cache is a signed-in browser
 * profile with its HTTP cache cleared; warm cache is the same profile
 * reopened after a cold load, so its disk cache is filled.
 * Run: bash bench/run.sh first-load [runs]
 */
import { spawn, spawnSync, ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium, type Page } from 'playwright-core';
import { freePort, waitFor } from './lib/processes';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.argv[2] ?? 3);
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 1800) * 1000;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-first-load-'));
// Run as root, the local provider gives each desktop its own user, who must
// pass through this folder to reach the desktops folder inside it.
fs.chmodSync(work, 0o711);
const children: ChildProcess[] = [];

/** Stops every process group this benchmark started, and its temporary files. */
function cleanUp() {
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => process.exit(1));
}
setTimeout(() => {
  process.stderr.write(`first-load: gave up after ${DEADLINE_MS / 1000} s\n`);
  process.exit(1);
}, DEADLINE_MS).unref();

const logs: string[] = [];

/** Runs a command in its own process group, without the caller's APP_CONFIG_* overrides; its output goes to a log that a failure prints. */
function startGroup(
  name: string,
  cwd: string,
  command: string,
  args: string[],
) {
  const log = path.join(work, `${name}.log`);
  logs.push(log);
  const out = fs.openSync(log, 'w');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('APP_CONFIG_')),
  );
  const child = spawn(command, args, {
    cwd,
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...env,
      BROWSER: 'none',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      NODE_ENV: 'development',
    },
  });
  children.push(child);
  return child;
}

async function answers(url: string, server: ChildProcess) {
  if (server.exitCode !== null)
    throw new Error(
      `${url} ended before it answered (exit ${server.exitCode})`,
    );
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** CPU time of every process in a process group, in seconds, from /proc. */
function groupCpu(pgid: number) {
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const fields = fs
        .readFileSync(`/proc/${pid}/stat`, 'utf8')
        .split(') ')[1]
        .split(' ');
      if (Number(fields[2]) === pgid)
        ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended meanwhile
    }
  }
  return ticks / 100;
}

/** Waits, at most two minutes, for the servers to finish their start-up work, so they do not compete with the page. */
async function settle(pgids: number[]) {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    const before = pgids.reduce((s, g) => s + groupCpu(g), 0);
    await new Promise(r => setTimeout(r, 3000));
    const after = pgids.reduce((s, g) => s + groupCpu(g), 0);
    if ((after - before) / 3 < 0.2) return;
  }
}

/** The sidebar's first link: the nav element itself has no box of its own to be visible. */
const sidebar = (page: Page) =>
  page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link')
    .first();

type Load = { ms: number; jsBytes: number; jsRequests: number };

/** One load of the portal's home page in a browser profile: time to the sidebar and the page heading, and the JavaScript transferred. */
async function load(profile: string, origin: string, signIn: boolean) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const js = new Map<string, { headers: number; total: number }>();
    cdp.on('Network.responseReceived', e => {
      if (new URL(e.response.url).pathname.endsWith('.js'))
        js.set(e.requestId, {
          headers: e.response.encodedDataLength,
          total: 0,
        });
    });
    cdp.on('Network.loadingFinished', e => {
      const entry = js.get(e.requestId);
      if (entry) entry.total = e.encodedDataLength;
    });
    if (signIn) {
      await page.goto(`${origin}/`);
      await page.getByRole('button', { name: 'Enter' }).click();
      await sidebar(page).waitFor({ timeout: 120_000 });
      await cdp.send('Network.clearBrowserCache');
      return undefined;
    }
    const t0 = performance.now();
    await page.goto(`${origin}/`, { waitUntil: 'commit' });
    // Whichever page the portal opens on: its title is the one h1.
    await Promise.all([
      sidebar(page).waitFor({ timeout: 120_000 }),
      page
        .getByRole('heading', { level: 1 })
        .first()
        .waitFor({ timeout: 120_000 }),
    ]);
    const ms = performance.now() - t0;
    // Chunks requested as the page renders belong to the first load too.
    await page
      .waitForLoadState('networkidle', { timeout: 15_000 })
      .catch(() => undefined);
    const bodies = [...js.values()].map(e => Math.max(0, e.total - e.headers));
    const result: Load = {
      ms,
      jsBytes: bodies.reduce((s, b) => s + b, 0),
      jsRequests: js.size,
    };
    return result;
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

async function main() {
  const backendPort = await freePort();
  let devPort = await freePort();
  while (devPort === backendPort) devPort = await freePort();
  const prod = `http://localhost:${backendPort}`;
  const dev = `http://localhost:${devPort}`;

  process.stderr.write('first-load: building the frontend unless unchanged\n');
  const buildStart = performance.now();
  const build = spawnSync(
    'bash',
    ['-c', 'source scripts/lib.sh && ensure_app_build "$ROOT"'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: DEADLINE_MS,
    },
  );
  if (build.status !== 0) throw new Error(`app build failed: ${build.stderr}`);
  const buildSeconds = (performance.now() - buildStart) / 1000;

  const backendConfig = path.join(work, 'backend.yaml');
  fs.writeFileSync(
    backendConfig,
    JSON.stringify({
      app: { baseUrl: prod },
      backend: {
        baseUrl: prod,
        listen: { port: backendPort, host: '127.0.0.1' },
        cors: {
          origin: [prod, dev],
          methods: ['GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'DELETE'],
          credentials: true,
        },
        database: {
          client: 'better-sqlite3',
          connection: { directory: path.join(work, 'sqlite') },
        },
      },
      workspaces: { local: { dataDir: path.join(work, 'desktops') } },
    }),
  );
  const devConfig = path.join(work, 'dev.yaml');
  fs.writeFileSync(
    devConfig,
    JSON.stringify({
      app: { baseUrl: dev, listen: { host: '127.0.0.1', port: devPort } },
      backend: { baseUrl: prod },
    }),
  );
  const appConfig = path.join(ROOT, 'app-config.yaml');

  process.stderr.write(`first-load: starting the backend on ${prod}\n`);
  let t = performance.now();
  // Plain node rather than `package start`, whose watcher would restart the
  // backend whenever a source file changes during the run.
  const backend = startGroup(
    'backend',
    path.join(ROOT, 'packages/backend'),
    'node',
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      appConfig,
      '--config',
      backendConfig,
    ],
  );
  await waitFor(
    () => answers(`${prod}/.backstage/health/v1/readiness`, backend),
    'the backend',
    300_000,
  );
  const backendReadySeconds = (performance.now() - t) / 1000;

  process.stderr.write(
    `first-load: starting the development server on ${dev}\n`,
  );
  t = performance.now();
  const devServer = startGroup(
    'dev-server',
    path.join(ROOT, 'packages/app'),
    'backstage-cli',
    ['package', 'start', '--config', appConfig, '--config', devConfig],
  );
  await waitFor(
    () => answers(`${dev}/`, devServer),
    'the development server',
    900_000,
  );
  const devReadySeconds = (performance.now() - t) / 1000;
  await settle([backend.pid!, devServer.pid!]);

  const loads: Record<string, Load[]> = {
    'production cold': [],
    'production warm': [],
    'development cold': [],
    'development warm': [],
  };
  for (let run = 0; run < RUNS; run++) {
    for (const [name, origin] of [
      ['production', prod],
      ['development', dev],
    ] as const) {
      process.stderr.write(`first-load: run ${run + 1}, ${name}\n`);
      const profile = path.join(work, `profile-${name}-${run}`);
      await load(profile, origin, true);
      loads[`${name} cold`].push((await load(profile, origin, false))!);
      loads[`${name} warm`].push((await load(profile, origin, false))!);
    }
  }

  const summary = Object.fromEntries(
    Object.entries(loads).map(([k, v]) => {
      const m = (f: (l: Load) => number) => median(v.map(f));
      const ms = Math.round(m(l => l.ms));
      return [
        k,
        { ms, jsBytes: m(l => l.jsBytes), jsRequests: m(l => l.jsRequests) },
      ];
    }),
  );
  const ratios = Object.fromEntries(
    ['cold', 'warm'].map(c => {
      const [p, d] = [summary[`production ${c}`], summary[`development ${c}`]];
      return [c, { time: p.ms / d.ms, jsBytes: p.jsBytes / d.jsBytes }];
    }),
  );
  console.table(
    Object.entries(summary).map(([k, v]) => ({
      load: k,
      'to interactive, ms (median)': v.ms,
      'JS transferred, KiB': (v.jsBytes / 1024).toFixed(1),
      'JS requests': v.jsRequests,
    })),
  );
  for (const [c, r] of Object.entries(ratios))
    console.log(
      `${c} cache, production / development: time ${r.time.toFixed(
        2,
      )}, JS bytes ${r.jsBytes.toFixed(3)}`,
    );
  const s1 = (n: number) => `${n.toFixed(1)} s`;
  console.log(
    `frontend build step ${s1(buildSeconds)}; backend ready ${s1(
      backendReadySeconds,
    )}; development server ready ${s1(devReadySeconds)}`,
  );
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', 'first-load.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        runs: RUNS,
        loadAverage: os.loadavg(),
        buildSeconds,
        backendReadySeconds,
        devReadySeconds,
        summary,
        ratios,
        loads,
      },
      null,
      2,
    ),
  );
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`first-load: ${error.message ?? error}\n`);
    for (const log of logs.filter(l => fs.existsSync(l))) {
      const lines = fs.readFileSync(log, 'utf8').trimEnd().split('\n');
      process.stderr.write(
        `last lines of ${path.basename(log)}:\n${lines
          .slice(-15)
          .join('\n')}\n`,
      );
    }
    process.exit(1);
  },
);
