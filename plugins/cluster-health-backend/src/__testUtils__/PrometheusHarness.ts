import { spawn, spawnSync, ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

/*
 * A real Prometheus scraping a real node-exporter on loopback, with the series
 * only a cluster produces (kube-state-metrics, the API server, etcd, KubeVirt,
 * Longhorn, the portal) loaded as historical blocks with promtool.
 */

export const BINARIES = {
  prometheus: '/usr/bin/prometheus',
  promtool: '/usr/bin/promtool',
  nodeExporter: '/usr/bin/prometheus-node-exporter',
};

export function missingBinaries(): string[] {
  return Object.values(BINARIES).filter(b => !fs.existsSync(b));
}

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const until = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

type Series = { name: string; labels: Record<string, string>; value: (t: number) => number };

const SERVERS = ['rke2-server-1', 'rke2-server-2', 'rke2-server-3'];
const WORKERS = ['rke2-worker-1', 'rke2-worker-2'];

/** The series a healthy-but-not-perfect RKE2 cluster with desktops would have. */
function clusterSeries(): Array<{ family: string; type: 'gauge' | 'counter'; series: Series[] }> {
  const gauge = (family: string, series: Series[]) => ({ family, type: 'gauge' as const, series });
  const node = (n: string) => ({ node: n });
  return [
    gauge('kube_node_status_condition', [
      ...[...SERVERS, ...WORKERS].map(n => ({ name: 'kube_node_status_condition', labels: { ...node(n), condition: 'Ready', status: 'true' }, value: () => (n === 'rke2-worker-2' ? 0 : 1) })),
    ]),
    gauge('kube_node_role', [
      ...SERVERS.flatMap(n => ['control-plane', 'etcd', 'master'].map(role => ({ name: 'kube_node_role', labels: { ...node(n), role }, value: () => 1 }))),
      ...WORKERS.map(n => ({ name: 'kube_node_role', labels: { ...node(n), role: 'worker' }, value: () => 1 })),
    ]),
    gauge('up', SERVERS.map((_n, i) => ({ name: 'up', labels: { job: 'apiserver', instance: `10.0.0.${11 + i}:6443` }, value: () => 1 }))),
    {
      family: 'apiserver_request',
      type: 'counter',
      series: [
        { name: 'apiserver_request_total', labels: { code: '200', verb: 'GET' }, value: t => Math.floor(t * 40) },
        { name: 'apiserver_request_total', labels: { code: '201', verb: 'POST' }, value: t => Math.floor(t * 5) },
        { name: 'apiserver_request_total', labels: { code: '500', verb: 'GET' }, value: t => Math.floor(t * 0.4) },
      ],
    },
    gauge('etcd_server_has_leader', SERVERS.map(n => ({ name: 'etcd_server_has_leader', labels: { instance: `${n}:2381` }, value: () => 1 }))),
    gauge('etcd_mvcc_db_total_size_in_bytes', SERVERS.map(n => ({ name: 'etcd_mvcc_db_total_size_in_bytes', labels: { instance: `${n}:2381` }, value: t => 48e6 + (t % 3600) * 1000 }))),
    gauge('kube_pod_status_phase', [
      ['Running', 84],
      ['Pending', 3],
      ['Succeeded', 12],
      ['Failed', 1],
    ].map(([phase, n]) => ({ name: 'kube_pod_status_phase', labels: { phase: String(phase), namespace: 'workspaces' }, value: () => Number(n) }))),
    gauge('kubevirt_vmi_info', [
      ...Array.from({ length: 9 }, (_, i) => ({ name: 'kubevirt_vmi_info', labels: { name: `desk-${i}`, namespace: 'workspaces', node: WORKERS[i % 2], phase: i < 8 ? 'running' : 'scheduling', os: 'linux' }, value: () => 1 })),
    ]),
    gauge('desktopmania_workspaces', [
      ['Running', 8],
      ['Stopped', 4],
      ['Starting', 1],
      ['Failed', 1],
    ].map(([phase, n]) => ({ name: 'desktopmania_workspaces', labels: { cluster: 'rke2-prod', phase: String(phase) }, value: t => Number(n) + (phase === 'Running' ? Math.round(2 * Math.sin(t / 1800)) : 0) }))),
    gauge('desktopmania_console_sessions_active', [{ name: 'desktopmania_console_sessions_active', labels: {}, value: t => 5 + Math.round(3 * Math.sin(t / 900)) }]),
    gauge('longhorn_volume_robustness', [
      ...Array.from({ length: 12 }, (_, i) => ({ name: 'longhorn_volume_robustness', labels: { volume: `pvc-${i}`, node: WORKERS[i % 2] }, value: () => (i === 3 ? 2 : 1) })),
    ]),
    gauge('longhorn_node_storage_capacity_bytes', WORKERS.map(n => ({ name: 'longhorn_node_storage_capacity_bytes', labels: { node: n }, value: () => 2e12 }))),
    gauge('longhorn_node_storage_usage_bytes', WORKERS.map(n => ({ name: 'longhorn_node_storage_usage_bytes', labels: { node: n }, value: () => 7.5e11 }))),
  ];
}

function openMetrics(from: number, to: number, stepSeconds: number): string {
  const out: string[] = [];
  for (const family of clusterSeries()) {
    out.push(`# TYPE ${family.family} ${family.type}`);
    for (const s of family.series) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      for (let t = from; t <= to; t += stepSeconds) {
        out.push(`${s.name}{${labels}} ${s.value(t)} ${t}`);
      }
    }
  }
  out.push('# EOF', '');
  return out.join('\n');
}

const RULES = `groups:
  - name: cluster
    interval: 1s
    rules:
      - alert: KubeNodeNotReady
        expr: kube_node_status_condition{condition="Ready",status="true"} == 0
        labels: { severity: warning }
        annotations: { summary: "Node {{ $labels.node }} is not ready" }
      - alert: LonghornVolumeDegraded
        expr: longhorn_volume_robustness == 2
        labels: { severity: critical }
        annotations: { summary: "Longhorn volume {{ $labels.volume }} is degraded" }
`;

export interface ScrapeTarget {
  job: string;
  target: string;
  path?: string;
  bearerToken?: string;
}

export interface RunningPrometheus {
  url: string;
  nodeExporter: string;
  stop(): void;
}

/** Starts node-exporter and Prometheus with the cluster's history loaded. */
export async function startPrometheus(options: { hours?: number; extraTargets?: ScrapeTarget[] } = {}): Promise<RunningPrometheus> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-health-prom-'));
  const children: ChildProcess[] = [];
  const stop = () => {
    children.forEach(c => c.kill('SIGTERM'));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const exporterPort = await freePort();
    children.push(spawn(BINARIES.nodeExporter, [`--web.listen-address=127.0.0.1:${exporterPort}`], { stdio: 'ignore' }));

    // History up to a minute ago, so instant queries (5 minute lookback) see it.
    const now = Math.floor(Date.now() / 1000) - 60;
    const from = now - (options.hours ?? 6) * 3600;
    fs.writeFileSync(path.join(dir, 'cluster.om'), openMetrics(from, now, 60));
    const data = path.join(dir, 'data');
    const backfill = spawnSync(BINARIES.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', path.join(dir, 'cluster.om'), data], { encoding: 'utf8' });
    if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stderr}`);

    fs.writeFileSync(path.join(dir, 'rules.yml'), RULES);
    const targets = [{ job: 'node', target: `127.0.0.1:${exporterPort}` }, ...(options.extraTargets ?? [])];
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'rule_files: [rules.yml]',
        'scrape_configs:',
        ...targets.flatMap(t => [
          `  - job_name: ${t.job}`,
          ...(t.path ? [`    metrics_path: ${t.path}`] : []),
          ...(t.bearerToken ? ['    authorization:', `      credentials: ${t.bearerToken}`] : []),
          `    static_configs: [{ targets: ["${t.target}"] }]`,
        ]),
        '',
      ].join('\n'),
    );
    const port = await freePort();
    children.push(
      spawn(
        BINARIES.prometheus,
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${data}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--storage.tsdb.retention.time=30d',
        ],
        { stdio: 'ignore' },
      ),
    );
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, 'Prometheus to be ready');
    // Rates over node-exporter need two scrapes; alerts need one evaluation.
    await waitFor(async () => {
      const r = await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent('count(rate(node_cpu_seconds_total[1m]))')}`)).json();
      const a = await (await fetch(`${url}/api/v1/alerts`)).json();
      return r.data.result.length > 0 && a.data.alerts.some((x: any) => x.state === 'firing');
    }, 'the first scrapes and rule evaluations');
    return { url, nodeExporter: `127.0.0.1:${exporterPort}`, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
