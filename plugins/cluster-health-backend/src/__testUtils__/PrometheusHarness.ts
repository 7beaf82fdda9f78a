import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import http from 'http';
import net from 'net';
import os from 'os';
import path from 'path';
import {
  ALERT_RULES,
  exposition,
  LonghornMetrics,
  openMetricsHistory,
  syntheticCluster,
  SyntheticTarget,
} from './syntheticCluster';

/*
 * A real Prometheus on loopback scraping a real node-exporter (this machine)
 * and the synthetic RKE2 cluster (syntheticCluster.ts).
 *
 * The cluster's history is written as OpenMetrics and turned into TSDB blocks
 * with `promtool tsdb create-blocks-from openmetrics` before Prometheus
 * starts; it ends a few minutes before now, so the blocks are older than
 * anything the head will hold. The present comes from scrapes: a loopback
 * server answers every synthetic target with the same functions of time, so
 * instant queries find samples in the 5 minute lookback for as long as the
 * harness runs, counters continue without a reset, and Prometheus itself
 * produces `up` and evaluates the alert rules. Nothing in the backend knows
 * it is being tested.
 */

export const BINARIES = {
  prometheus: '/usr/bin/prometheus',
  promtool: '/usr/bin/promtool',
  nodeExporter: '/usr/bin/prometheus-node-exporter',
};

export function missingBinaries(): string[] {
  return Object.values(BINARIES).filter(b => !fs.existsSync(b));
}

export interface PrometheusHarnessOptions {
  /** Hours of backfilled history. Default 24; a full 7d chart wants 168. */
  historyHours?: number;
  /** Scrape and rule evaluation interval. Default 1 second, so tests wait little. */
  intervalSeconds?: number;
  /**
   * The portal's own metrics endpoint. When given, Prometheus scrapes it for
   * the present `desktopmania_*` series instead of the synthetic portal.
   */
  portal?: { address: string; metricsPath: string; bearerToken?: string };
  /** How Longhorn names volume robustness and state. Default 'codes' (Longhorn up to 1.10). */
  longhorn?: LonghornMetrics;
  /** Stops whatever has been started so far, e.g. on SIGTERM during start-up. */
  signal?: AbortSignal;
}

export interface RunningPrometheus {
  url: string;
  /** The real node-exporter: its scrape address and the host name it reports. */
  nodeExporter: { instance: string; nodename: string };
  /** Alerts the data makes fire. */
  expectedAlerts: string[];
  stop(): Promise<void>;
}

/** A port nothing listens on now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  describe: () => string,
  signal?: AbortSignal,
) {
  const until = Date.now() + 60_000;
  while (!(await check().catch(() => false))) {
    if (signal?.aborted) throw new Error(`Stopped while waiting for ${what}`);
    if (Date.now() > until)
      throw new Error(`Timed out waiting for ${what}. ${describe()}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

/** Starts a process, remembers it for stop(), and keeps the end of its stderr for error messages. */
function start(children: ChildProcess[], command: string, args: string[]) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  const log = { text: '' };
  child.stderr!.on('data', d => {
    log.text = (log.text + d).slice(-4000);
  });
  return { child, log };
}

function run(
  children: ChildProcess[],
  command: string,
  args: string[],
): Promise<void> {
  const { child, log } = start(children, command, args);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', code => {
      children.splice(children.indexOf(child), 1);
      if (code === 0) resolve();
      else
        reject(new Error(`${command} ${args.join(' ')} failed: ${log.text}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise(resolve => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function historyTimes(from: number, to: number): number[] {
  // Every minute for the last day, every 150 s before: a 5 minute rate window always holds two samples.
  const times: number[] = [];
  for (let t = to; t >= from; t -= to - t < 26 * 3600 ? 60 : 150) times.push(t);
  return times.reverse();
}

/**
 * Writes the history as TSDB blocks. promtool reads its whole input once per
 * two-hour block, so the history goes to it one block's worth at a time.
 */
async function backfill(
  children: ChildProcess[],
  dir: string,
  data: string,
  targets: SyntheticTarget[],
  from: number,
  to: number,
) {
  const BLOCK = 7200;
  const times = historyTimes(from, to);
  const file = path.join(dir, 'history.om');
  for (
    let blockStart = Math.floor(from / BLOCK) * BLOCK;
    blockStart <= to;
    blockStart += BLOCK
  ) {
    const slice = times.filter(t => t >= blockStart && t < blockStart + BLOCK);
    if (!slice.length) continue;
    const out = fs.createWriteStream(file);
    for (const chunk of openMetricsHistory(targets, slice)) {
      if (!out.write(chunk)) await new Promise(r => out.once('drain', r));
    }
    await new Promise<void>((resolve, reject) =>
      out.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
    await run(children, BINARIES.promtool, [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--quiet',
      file,
      data,
    ]);
  }
  fs.rmSync(file);
}

async function query(url: string, promql: string) {
  const response = await fetch(
    `${url}/api/v1/query?${new URLSearchParams({ query: promql })}`,
  );
  return (await response.json()).data.result as Array<{
    metric: Record<string, string>;
    value: [number, string];
  }>;
}

/** Starts node-exporter, the synthetic targets and Prometheus with the history loaded. */
export async function startPrometheus(
  options: PrometheusHarnessOptions = {},
): Promise<RunningPrometheus> {
  const dir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'cluster-health-prometheus-'),
  );
  const children: ChildProcess[] = [];
  let targetsServer: http.Server | undefined;
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    await new Promise(r =>
      targetsServer?.listening ? targetsServer.close(r) : r(undefined),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const onAbort = () => void stop();
  options.signal?.addEventListener('abort', onAbort);

  try {
    const now = Math.floor(Date.now() / 1000);
    const interval = options.intervalSeconds ?? 1;
    const targets = syntheticCluster(now, { longhorn: options.longhorn });
    const live = options.portal
      ? targets.filter(t => t.job !== 'desktop-mania')
      : targets;

    const data = path.join(dir, 'data');
    await backfill(
      children,
      dir,
      data,
      targets,
      now - (options.historyHours ?? 24) * 3600,
      now - 180,
    );

    const byPath = new Map(
      live.map(t => [`/metrics/${t.job}/${t.instance}`, t]),
    );
    targetsServer = http.createServer((req, res) => {
      const target = byPath.get(decodeURIComponent(req.url ?? ''));
      if (!target) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(exposition(target, Date.now() / 1000));
    });
    await new Promise<void>(r => targetsServer!.listen(0, '127.0.0.1', r));
    const targetsAddress = `127.0.0.1:${
      (targetsServer.address() as net.AddressInfo).port
    }`;

    const exporterPort = await freePort();
    const exporter = start(children, BINARIES.nodeExporter, [
      `--web.listen-address=127.0.0.1:${exporterPort}`,
      '--log.level=warn',
      // Debian enables it; without systemd it only fills the log with errors.
      '--no-collector.systemd',
    ]);

    // One scrape job per synthetic job; each instance keeps its cluster
    // address as `instance` and is fetched from the loopback server.
    const jobs = new Map<string, SyntheticTarget[]>();
    for (const t of live) jobs.set(t.job, [...(jobs.get(t.job) ?? []), t]);
    const staticConfig = (t: SyntheticTarget) =>
      `      - targets: ["${targetsAddress}"]\n        labels: { instance: "${t.instance}", __metrics_path__: "/metrics/${t.job}/${t.instance}" }`;
    const scrapeConfigs = [...jobs].map(([job, ts]) =>
      [
        `  - job_name: ${job}`,
        '    static_configs:',
        ...ts.map(staticConfig),
        ...(job === 'node-exporter'
          ? [`      - targets: ["127.0.0.1:${exporterPort}"]`]
          : []),
      ].join('\n'),
    );
    if (options.portal) {
      scrapeConfigs.push(
        [
          '  - job_name: desktop-mania',
          `    metrics_path: ${options.portal.metricsPath}`,
          ...(options.portal.bearerToken
            ? [
                '    authorization:',
                `      credentials: "${options.portal.bearerToken}"`,
              ]
            : []),
          `    static_configs: [{ targets: ["${options.portal.address}"] }]`,
        ].join('\n'),
      );
    }
    fs.writeFileSync(path.join(dir, 'rules.yml'), ALERT_RULES);
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        `global: { scrape_interval: ${interval}s, evaluation_interval: ${interval}s }`,
        'rule_files: [rules.yml]',
        'scrape_configs:',
        ...scrapeConfigs,
        '',
      ].join('\n'),
    );

    const port = await freePort();
    const prometheus = start(children, BINARIES.prometheus, [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      '--storage.tsdb.retention.time=30d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    const url = `http://127.0.0.1:${port}`;
    const why = () =>
      `Prometheus said: ${
        prometheus.log.text || '(nothing)'
      }; node-exporter said: ${exporter.log.text || '(nothing)'}`;
    await waitFor(
      async () => (await fetch(`${url}/-/ready`)).ok,
      'Prometheus to be ready',
      why,
      options.signal,
    );

    const nodeExporter = `127.0.0.1:${exporterPort}`;
    const targetCount = live.length + 1 + (options.portal ? 1 : 0);
    const expectedAlerts = [
      'KubeNodeNotReady',
      'LonghornVolumeDegraded',
      'LonghornVolumeFaulted',
      ...(options.portal ? [] : ['DesktopFailed']),
    ];
    let nodename = '';
    let seen = 'nothing yet';
    await waitFor(
      async () => {
        // Every synthetic target and node-exporter scraped (the portal
        // may not be running yet); rates need two scrapes; rules evaluated since.
        const scraped = (await (await fetch(`${url}/api/v1/targets`)).json())
          .data.activeTargets as Array<{
          labels: Record<string, string>;
          health: string;
        }>;
        const up = scraped.filter(
          t =>
            t.health === 'up' ||
            (t.labels.job === 'desktop-mania' &&
              options.portal &&
              t.health !== 'unknown'),
        );
        const rate = await query(
          url,
          `count(rate(node_cpu_seconds_total{instance="${nodeExporter}"}[1m]))`,
        );
        const uname = await query(
          url,
          `node_uname_info{instance="${nodeExporter}"}`,
        );
        const alerts = (await (await fetch(`${url}/api/v1/alerts`)).json()).data
          .alerts as Array<{ labels: Record<string, string>; state: string }>;
        const firing = new Set(
          alerts.filter(a => a.state === 'firing').map(a => a.labels.alertname),
        );
        nodename = uname[0]?.metric.nodename ?? '';
        seen = `${up.length} of ${targetCount} targets scraped, ${
          rate.length
        } CPU rates, nodename '${nodename}', firing: ${
          [...firing].join(', ') || 'nothing'
        }`;
        return (
          up.length === targetCount &&
          rate.length > 0 &&
          !!nodename &&
          expectedAlerts.every(a => firing.has(a))
        );
      },
      'the first scrapes and rule evaluations',
      () => `Seen: ${seen}. ${why()}`,
      options.signal,
    );
    return {
      url,
      nodeExporter: { instance: nodeExporter, nodename },
      expectedAlerts,
      stop,
    };
  } catch (error) {
    await stop();
    throw options.signal?.aborted
      ? new Error('Stopped before Prometheus was ready')
      : error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
