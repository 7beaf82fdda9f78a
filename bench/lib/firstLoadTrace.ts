/*
 * Where the warm first load's main-thread time goes: a DevTools trace and a
 * V8 CPU profile of one warm visit of the production portal, broken down by
 * phase (compile, evaluate, render, idle while waiting on requests) and by
 * the package each sampled function came from (through the build's source
 * maps), with the requests the page waited on. It answers the question the
 * first-load benchmark's one number cannot: what to cut.
 * Run against a backend serving packages/app/dist:
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     bench/lib/firstLoadTrace.ts http://localhost:7007 [out.json] [dist]
 * With a third argument, traces that build (a copy of an earlier dist, say)
 * served through lib/firstLoadServer.ts against the same backend. Writes
 * out.json and, beside it, the raw .cpuprofile (DevTools opens it).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium, type Page } from 'playwright-core';
import { SourceMapConsumer } from 'source-map-js';
import { loadPortal, sidebarLink } from './pageLoad';
import { freePort } from './processes';
import { serveBuild } from './firstLoadServer';

const ROOT = path.resolve(__dirname, '../..');
let DIST = path.join(ROOT, 'packages/app/dist');

type TraceEvent = {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: any;
};
type ProfileNode = {
  id: number;
  callFrame: {
    url: string;
    functionName: string;
    lineNumber: number;
    columnNumber: number;
  };
  children?: number[];
};

async function homeReady(page: Page) {
  await Promise.all([
    page
      .getByText(/\d+ of \d+ desktops? used/)
      .first()
      .waitFor({ timeout: 120_000 }),
    page
      .locator('[data-testid^="desktop-"]')
      .or(page.getByText('You have no desktops yet'))
      .first()
      .waitFor({ timeout: 120_000 }),
  ]);
}

/** The package (or our own folder) a bundled source path belongs to. */
export function packageOf(source: string): string {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = source.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const own = source.match(/(packages|plugins)\/[^/]+/);
  if (own) return own[0];
  if (source.includes('webpack/')) return '(webpack runtime)';
  return source;
}

const consumers = new Map<string, SourceMapConsumer | null>();
function consumerFor(url: string) {
  if (!consumers.has(url)) {
    let consumer: SourceMapConsumer | null = null;
    try {
      const file = path.join(DIST, new URL(url).pathname);
      consumer = new SourceMapConsumer(
        JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')),
      );
    } catch {
      consumer = null;
    }
    consumers.set(url, consumer);
  }
  return consumers.get(url);
}

/** The original source file and line of a sampled function, if mapped. */
function sourceOf(frame: ProfileNode['callFrame']): string | undefined {
  if (!frame.url) return undefined;
  const original = consumerFor(frame.url)?.originalPositionFor({
    line: frame.lineNumber + 1,
    column: frame.columnNumber,
  });
  return original?.source
    ? `${original.source.replace(/^.*node_modules\//, '')}:${original.line}`
    : undefined;
}

function attribute(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return frame.functionName || '(native)';
  const consumer = consumerFor(frame.url);
  if (!consumer) return new URL(frame.url).pathname;
  const original = consumer.originalPositionFor({
    line: frame.lineNumber + 1,
    column: frame.columnNumber,
  });
  return original.source ? packageOf(original.source) : '(unmapped)';
}

const ms = (us: number) => Math.round(us / 100) / 10;
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => ({ item: k, ms: ms(v) }));

async function main() {
  const backend = process.argv[2] ?? 'http://localhost:7007';
  const out = process.argv[3];
  let origin = backend;
  if (process.argv[4]) {
    DIST = path.resolve(process.argv[4]);
    const port = await freePort();
    origin = (await serveBuild({ dist: DIST, port, backend })).origin;
  }
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'first-load-'));
  await loadPortal(profileDir, origin, { signIn: true, ready: homeReady });
  // The cold visit, so that the traced one is the warm (second) visit.
  await loadPortal(profileDir, origin, { ready: homeReady });

  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    headless: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', e => events.push(...(e.value as any)));
  const requests = new Map<
    string,
    { url: string; start: number; end?: number; cached?: boolean }
  >();
  cdp.on('Network.requestWillBeSent', e =>
    requests.set(e.requestId, { url: e.request.url, start: e.timestamp }),
  );
  cdp.on('Network.responseReceived', e => {
    const r = requests.get(e.requestId);
    if (r) r.cached = e.response.fromDiskCache;
  });
  cdp.on('Network.loadingFinished', e => {
    const r = requests.get(e.requestId);
    if (r) r.end = e.timestamp;
  });
  await cdp.send('Network.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Tracing.start', {
    categories: [
      'devtools.timeline',
      'v8',
      'v8.execute',
      'disabled-by-default-devtools.timeline',
      'blink.user_timing',
      'loading',
    ].join(','),
    transferMode: 'ReportEvents',
  });
  await cdp.send('Profiler.start');
  const wallStart = performance.now();
  await page.goto(`${origin}/`, { waitUntil: 'commit' });
  await Promise.all([
    sidebarLink(page).waitFor({ timeout: 120_000 }),
    page
      .getByRole('heading', { level: 1 })
      .first()
      .waitFor({ timeout: 120_000 }),
  ]);
  const shellMs = performance.now() - wallStart;
  await homeReady(page);
  const readyMs = performance.now() - wallStart;
  const { profile } = (await cdp.send('Profiler.stop')) as any;
  const done = new Promise(r => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.end');
  await done;
  await context.close();

  // The portal's renderer main thread: of the renderers' main threads (the
  // blank first page may have its own), the one that worked the most.
  const work = new Map<string, number>();
  for (const e of events)
    if (e.ph === 'X' && e.dur)
      work.set(
        `${e.pid}:${e.tid}`,
        (work.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur,
      );
  const mainThread = events
    .filter(e => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .sort(
      (a, b) =>
        (work.get(`${b.pid}:${b.tid}`) ?? 0) -
        (work.get(`${a.pid}:${a.tid}`) ?? 0),
    )[0];
  const onMain = events
    .filter(
      e =>
        mainThread &&
        e.pid === mainThread.pid &&
        e.tid === mainThread.tid &&
        e.ph === 'X' &&
        e.dur !== undefined,
    )
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Time zero: the request for the page itself (network and trace
  // timestamps share Chromium's monotonic clock, in s and µs).
  const documentRequest = [...requests.values()].find(
    r => r.url === `${origin}/`,
  );
  const t0 = documentRequest ? documentRequest.start * 1e6 : onMain[0]?.ts ?? 0;
  const readyTs = t0 + readyMs * 1000;

  // Exclusive time per event name, up to ready: what the main thread did.
  const phases = new Map<string, number>();
  const stack: { end: number; name: string }[] = [];
  let busy = 0;
  const close = (upTo: number) => {
    while (stack.length && stack[stack.length - 1].end <= upTo) stack.pop();
  };
  for (const e of onMain) {
    if (e.ts > readyTs) break;
    close(e.ts);
    const end = Math.min(e.ts + e.dur!, readyTs);
    const dur = end - e.ts;
    if (stack.length) {
      const parent = stack[stack.length - 1];
      phases.set(parent.name, (phases.get(parent.name) ?? 0) - dur);
    } else if (
      e.name === 'RunTask' ||
      e.name === 'ThreadControllerImpl::RunTask'
    ) {
      busy += dur;
    }
    phases.set(e.name, (phases.get(e.name) ?? 0) + dur);
    stack.push({ end, name: e.name });
  }

  // CPU profile: self time per package, and per phase window.
  const nodes = new Map<number, ProfileNode>(
    profile.nodes.map((n: ProfileNode) => [n.id, n]),
  );
  const parents = new Map<number, number>();
  for (const n of nodes.values())
    for (const c of n.children ?? []) parents.set(c, n.id);
  // For the costliest packages, who called into them: the nearest frame of
  // another package on the stack, as a source file and line.
  const callers = new Map<string, number>();
  const callerOf = (id: number, pkg: string) => {
    for (let p = parents.get(id); p !== undefined; p = parents.get(p)) {
      const frame = nodes.get(p)!.callFrame;
      const from = frame.url ? attribute(frame) : pkg;
      if (
        ![pkg, '@backstage/catalog-model', '(webpack runtime)'].includes(from)
      )
        return sourceOf(frame) ?? attribute(frame);
    }
    return '(top)';
  };
  const selfByPackage = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    t += profile.timeDeltas[i];
    if (t > readyTs) break;
    const node = nodes.get(profile.samples[i])!;
    const pkg = attribute(node.callFrame);
    selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + dt);
    if (['ajv', 'zod', 'jss', '@remix-run/router', 'fast-uri'].includes(pkg)) {
      const key = `${pkg} <- ${callerOf(node.id, pkg)}`;
      callers.set(key, (callers.get(key) ?? 0) + dt);
    }
    const fn = `${node.callFrame.functionName || '(anonymous)'} [${pkg}]`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + dt);
  }

  // Script evaluation per bundle file: each EvaluateScript's inclusive time.
  const evaluate = new Map<string, number>();
  const compile = new Map<string, number>();
  for (const e of onMain) {
    if (e.ts > readyTs) break;
    const url: string | undefined = e.args?.data?.url ?? e.args?.fileName;
    if (!url) continue;
    const file = url.startsWith('http') ? new URL(url).pathname : url;
    if (e.name === 'EvaluateScript')
      evaluate.set(file, (evaluate.get(file) ?? 0) + e.dur!);
    if (e.name.startsWith('v8.compile') || e.name === 'CompileScript')
      compile.set(file, (compile.get(file) ?? 0) + e.dur!);
  }

  const toMs = (ts: number) => Math.round((ts - t0) / 1000);
  const network = [...requests.values()]
    .filter(r => !r.url.startsWith('data:'))
    .map(r => ({
      url: new URL(r.url).pathname + new URL(r.url).search,
      startMs: toMs(r.start * 1e6),
      endMs: r.end ? toMs(r.end * 1e6) : undefined,
      cached: r.cached,
    }))
    .filter(r => r.startMs <= readyMs)
    .sort((a, b) => a.startMs - b.startMs);
  const marks = events
    .filter(
      e =>
        [
          'firstContentfulPaint',
          'domContentLoadedEventEnd',
          'loadEventEnd',
          'largestContentfulPaint::Candidate',
          'MarkDOMContent',
          'MarkLoad',
        ].includes(e.name) &&
        (!mainThread || e.pid === mainThread.pid),
    )
    .map(e => ({ name: e.name, ms: toMs(e.ts) }));

  const report = {
    date: new Date().toISOString(),
    loadAverage: os.loadavg(),
    shellMs: Math.round(shellMs),
    readyMs: Math.round(readyMs),
    mainThreadBusyMs: ms(busy),
    marks,
    phases: top(phases, 25),
    packages: top(selfByPackage, 30),
    functions: top(selfByFunction, 30),
    callers: top(callers, 30),
    evaluateByFile: top(evaluate, 20),
    compileByFile: top(compile, 20),
    network,
  };
  const text = JSON.stringify(report, null, 1);
  if (out) {
    fs.writeFileSync(out, text);
    fs.writeFileSync(
      out.replace(/\.json$/, '.cpuprofile'),
      JSON.stringify(profile),
    );
  }
  console.log(text);
  fs.rmSync(profileDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`firstLoadTrace: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
