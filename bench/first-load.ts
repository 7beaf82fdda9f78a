/*
 * First load: how soon the portal's first page is usable in Chromium, and
 * what it costs, for the production build served by the backend (what
 * scripts/start.sh runs) against the development server (what
 * `start.sh --dev` runs), in the same run. Each run signs a new browser
 * profile in, clears its HTTP cache, then opens the portal three times:
 * cold (nothing cached), warm (the second visit: files come from the disk
 * cache, and Chromium compiles the scripts again to store their code cache)
 * and hot (later visits: the code cache is used too).
 * Goal: the first page usable within 2 s on a warm machine. The benchmark
 * reports the warm production figure against it; it never fails on time.
 * Run: bash bench/run.sh first-load [runs]
 * BENCH_FIRST_LOAD_DEV=0 leaves the development server out (a quicker run).
 * BENCH_FIRST_LOAD_BASELINE=<copy of an earlier packages/app/dist> also loads
 * that build and today's through lib/firstLoadServer.ts, in turns, against
 * the same backend, and reports today's against it: the way to measure a
 * change to the frontend on a machine whose load moves.
 * BENCH_FIRST_LOAD_CANDIDATE=<another dist> serves that build as the
 * candidate instead of today's: a build made with other config (plugins
 * left out, say) measured before its change lands in the tree.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Page } from 'playwright-core';
import { freePort, waitFor } from './lib/processes';
import { answers, createWorkspace, settle } from './lib/processGroups';
import { buildApp, startBackend } from './lib/backend';
import { loadPortal, type Load } from './lib/pageLoad';
import { serveBuild } from './lib/firstLoadServer';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.argv[2] ?? 3);
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 1800) * 1000;
const GOAL_MS = 2000;
const VISITS = ['cold', 'warm', 'hot'] as const;
const WITH_DEV = process.env.BENCH_FIRST_LOAD_DEV !== '0';
const BASELINE = process.env.BENCH_FIRST_LOAD_BASELINE;
const CANDIDATE = process.env.BENCH_FIRST_LOAD_CANDIDATE;

const work = createWorkspace('first-load', DEADLINE_MS);
// Run as root, the local provider gives each desktop its own user, who must
// pass through this folder to reach the desktops folder inside it.
fs.chmodSync(work.dir, 0o711);
const serverEnv = {
  BROWSER: 'none',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  NODE_ENV: 'development',
};

/** The portal opens on the workspaces home page: usable once it shows the person's desktops (or that there are none) and their quota. */
async function homeReady(page: Page) {
  const timeout = 120_000;
  await Promise.all([
    page
      .getByText(/\d+ of \d+ desktops? used/)
      .first()
      .waitFor({ timeout }),
    page
      .locator('[data-testid^="desktop-"]')
      .or(page.getByText('You have no desktops yet'))
      .first()
      .waitFor({ timeout }),
  ]);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The backend serving packages/app/dist, and the development server against it; seconds each took to answer. */
async function startServers(prod: string, dev?: string) {
  const port = Number(new URL(prod).port);
  process.stderr.write(`first-load: starting the backend on ${prod}\n`);
  let t = performance.now();
  const backend = await startBackend({
    port,
    dir: work.dir,
    backend: {
      cors: {
        origin: dev ? [prod, dev] : [prod],
        methods: ['GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'DELETE'],
        credentials: true,
      },
    },
    config: {
      workspaces: { local: { dataDir: path.join(work.dir, 'desktops') } },
    },
    env: serverEnv,
    log: work.logFile('backend'),
  });
  const backendReadySeconds = (performance.now() - t) / 1000;
  if (!dev) {
    await settle([backend.pid]);
    return { backendReadySeconds, devReadySeconds: NaN };
  }

  const devPort = new URL(dev).port;
  const devConfig = path.join(work.dir, 'dev.yaml');
  const appConfig = path.join(ROOT, 'app-config.yaml');
  fs.writeFileSync(
    devConfig,
    JSON.stringify({
      app: {
        baseUrl: dev,
        listen: { host: '127.0.0.1', port: Number(devPort) },
      },
      backend: { baseUrl: prod },
    }),
  );

  process.stderr.write(
    `first-load: starting the development server on ${dev}\n`,
  );
  t = performance.now();
  const devServer = work.startGroup(
    'dev-server',
    path.join(ROOT, 'packages/app'),
    'backstage-cli',
    ['package', 'start', '--config', appConfig, '--config', devConfig],
    serverEnv,
  );
  await waitFor(
    () => answers(`${dev}/`, devServer),
    'the development server',
    900_000,
  );
  const devReadySeconds = (performance.now() - t) / 1000;
  await settle([backend.pid, devServer.pid!]);
  return { backendReadySeconds, devReadySeconds };
}

/** Distinct free ports. */
async function freePorts(n: number) {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

async function main() {
  const [backendPort, devPort, basePort, candidatePort] = await freePorts(4);
  const origins: Record<string, string> = {
    production: `http://localhost:${backendPort}`,
  };
  if (WITH_DEV) origins.development = `http://localhost:${devPort}`;
  process.stderr.write('first-load: building the frontend unless unchanged\n');
  const buildSeconds = buildApp(DEADLINE_MS);
  const started = await startServers(origins.production, origins.development);
  if (BASELINE) {
    const backend = origins.production;
    const dist = CANDIDATE
      ? path.resolve(CANDIDATE)
      : path.join(ROOT, 'packages/app/dist');
    for (const [name, dir, port] of [
      ['baseline', path.resolve(BASELINE), basePort],
      ['candidate', dist, candidatePort],
    ] as const)
      origins[name] = (await serveBuild({ dist: dir, port, backend })).origin;
  }

  const loads: Record<string, Load[]> = {};
  const failedRuns = new Set<number>();
  const loadAverages: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const [build, origin] of Object.entries(origins)) {
      process.stderr.write(`first-load: run ${run + 1}, ${build}\n`);
      const profile = path.join(work.dir, `profile-${build}-${run}`);
      // A run that fails (a load past its timeout on a machine at load 20)
      // counts for no build: the comparisons pair loads run by run.
      try {
        await loadPortal(profile, origin, { signIn: true, ready: homeReady });
        for (const visit of VISITS) {
          loadAverages.push(os.loadavg()[0]);
          const load = await loadPortal(profile, origin, { ready: homeReady });
          (loads[`${build} ${visit}`] ??= [])[run] = load!;
        }
      } catch (error) {
        failedRuns.add(run);
        process.stderr.write(
          `first-load: run ${run + 1}, ${build} failed, left out: ${
            (error as Error).message.split('\n')[0]
          }\n`,
        );
      }
    }
  }

  for (const [k, v] of Object.entries(loads)) {
    loads[k] = v.filter((l, run) => l && !failedRuns.has(run));
    if (!loads[k].length) delete loads[k];
  }
  if (!Object.values(loads).some(v => v.length))
    throw new Error('every run failed');
  const summary = Object.fromEntries(
    Object.entries(loads).map(([k, v]) => [
      k,
      Object.fromEntries(
        (Object.keys(v[0]) as (keyof Load)[]).map(f => [
          f,
          median(v.map(l => l[f])),
        ]),
      ) as Load,
    ]),
  );
  // Each pair compared run by run (the two loads of a run saw about the
  // same load on the machine), then the median of those ratios.
  const pairs = [
    ['production', 'development'],
    ['candidate', 'baseline'],
  ].filter(([a, b]) => loads[`${a} warm`] && loads[`${b} warm`]);
  const ratios = Object.fromEntries(
    pairs.map(([a, b]) => [
      `${a} / ${b}`,
      Object.fromEntries(
        VISITS.map(c => {
          const [x, y] = [loads[`${a} ${c}`], loads[`${b} ${c}`]];
          return [
            c,
            {
              time: median(x.map((l, i) => l.readyMs / y[i].readyMs)),
              busy: median(x.map((l, i) => l.busyMs / y[i].busyMs)),
              // Warm and hot loads transfer no JS at all: no ratio then.
              jsBytes: y[0].jsBytes ? x[0].jsBytes / y[0].jsBytes : null,
            },
          ];
        }),
      ),
    ]),
  );
  const warm = summary['production warm'] ?? summary['candidate warm'];
  const goal = {
    goalMs: GOAL_MS,
    warmReadyMs: warm.readyMs,
    timesGoal: warm.readyMs / GOAL_MS,
  };
  const ms = (n: number) => Math.round(n);
  console.table(
    Object.entries(summary).map(([k, v]) => ({
      load: k,
      'drawn, ms': ms(v.shellMs),
      'usable, ms': ms(v.readyMs),
      'main thread busy, ms': ms(v.busyMs),
      'of which script, ms': ms(v.scriptMs),
      'style+layout, ms': ms(v.styleLayoutMs),
      'JS KiB': (v.jsBytes / 1024).toFixed(1),
      'JS files': v.jsRequests,
      'from the server': v.networkRequests,
    })),
  );
  for (const [pair, byVisit] of Object.entries(ratios))
    for (const [c, r] of Object.entries(byVisit))
      console.log(
        `${c}, ${pair}: usable ${r.time.toFixed(
          2,
        )}, main thread busy ${r.busy.toFixed(2)}${
          r.jsBytes === null ? '' : `, JS bytes ${r.jsBytes.toFixed(3)}`
        }`,
      );
  console.log(
    `goal: production warm, usable in ${seconds(
      warm.readyMs,
    )}: ${goal.timesGoal.toFixed(2)} x the ${seconds(GOAL_MS)} goal (${
      goal.timesGoal <= 1 ? 'met' : 'missed'
    })`,
  );
  const la = [Math.min(...loadAverages), Math.max(...loadAverages)];
  console.log(
    `load average while measuring ${la[0].toFixed(1)}-${la[1].toFixed(
      1,
    )}; frontend build step ${buildSeconds.toFixed(
      1,
    )} s; backend ready ${started.backendReadySeconds.toFixed(1)} s${
      WITH_DEV
        ? `; development server ready ${started.devReadySeconds.toFixed(1)} s`
        : ''
    }`,
  );
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', 'first-load.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        runs: RUNS,
        failedRuns: [...failedRuns],
        loadAverages,
        buildSeconds,
        ...started,
        goal,
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
    process.stderr.write(
      `first-load: ${error.message ?? error}\n${work.lastLogLines()}\n`,
    );
    process.exit(1);
  },
);
