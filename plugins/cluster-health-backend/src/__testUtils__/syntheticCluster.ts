/*
 * The metrics only a cluster produces, as a three-server, two-worker RKE2
 * cluster with KubeVirt desktops, Longhorn and kube-prometheus-stack would
 * expose them: kube-state-metrics, the API servers, etcd, node-exporter on
 * every node, KubeVirt, Longhorn and the portal. Every value is a function of
 * time, so the history written for promtool and the values served live to
 * Prometheus's scrapes are one continuous series.
 *
 * The cluster is healthy but not perfect: rke2-worker-2 is not ready, one
 * Longhorn volume is degraded and one faulted, one desktop has failed.
 */

type Labels = Record<string, string>;

export interface Family {
  /** For counters, without the `_total` suffix the samples carry. */
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  series: Array<{ labels: Labels; value: (t: number) => number }>;
}

/** What one scrape target (one job and instance) exposes. */
export interface SyntheticTarget {
  job: string;
  instance: string;
  families: Family[];
}

export const SERVERS = ['rke2-server-1', 'rke2-server-2', 'rke2-server-3'];
export const WORKERS = ['rke2-worker-1', 'rke2-worker-2'];
export const NOT_READY_NODE = 'rke2-worker-2';
const NODES = [...SERVERS, ...WORKERS];
const ip = (node: string) => `10.0.0.${NODES.indexOf(node) + 11}`;

// Counters count from the machines' boot, not from 1970.
const BOOT = 1_700_000_000;
const TAU = 2 * Math.PI;
const wave = (t: number, period: number, phase = 0) =>
  Math.sin((TAU * t) / period + phase);

/** A counter whose rate is `rate * (1 + wobble * sin)`: the closed-form integral, so it never goes down. */
function counter(rate: number, wobble = 0, period = 3600, phase = 0) {
  const amplitude = (rate * wobble * period) / TAU;
  return (t: number) => {
    const s = t - BOOT;
    return (
      rate * s - amplitude * Math.cos((TAU * s) / period + phase) + amplitude
    );
  };
}

const gauge = (
  name: string,
  help: string,
  series: Family['series'],
): Family => ({ name, type: 'gauge', help, series });
const counterFamily = (
  name: string,
  help: string,
  series: Family['series'],
): Family => ({
  name,
  type: 'counter',
  help,
  series,
});
const constant = (v: number) => () => v;

function kubeStateMetrics(): SyntheticTarget {
  const pods: Array<[string, string, string]> = [
    ...Array.from({ length: 5 }, (_, i): [string, string, string] => [
      'kube-system',
      `rke2-pod-${i}`,
      'Running',
    ]),
    ...Array.from({ length: 2 }, (_, i): [string, string, string] => [
      'longhorn-system',
      `longhorn-manager-${i}`,
      'Running',
    ]),
    ...Array.from({ length: 8 }, (_, i): [string, string, string] => [
      'workspaces',
      `virt-launcher-desk-${i}`,
      'Running',
    ]),
    ['workspaces', 'virt-launcher-desk-8', 'Pending'],
    ['desktop-mania', 'portal-0', 'Running'],
    ['desktop-mania', 'portal-1', 'Running'],
    ['cdi', 'importer-win11', 'Succeeded'],
    ['cdi', 'importer-broken', 'Failed'],
  ];
  const phases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];
  return {
    job: 'kube-state-metrics',
    instance: '10.42.0.15:8080',
    families: [
      gauge(
        'kube_node_status_condition',
        'The condition of a cluster node.',
        NODES.flatMap(node =>
          ['true', 'false', 'unknown'].map(status => {
            const ready = node !== NOT_READY_NODE;
            const actual = ready ? 'true' : 'false';
            return {
              labels: { node, condition: 'Ready', status },
              value: constant(status === actual ? 1 : 0),
            };
          }),
        ),
      ),
      gauge(
        'kube_node_role',
        'The role of a cluster node.',
        // RKE2 labels servers control-plane, etcd and master; agents carry no role.
        SERVERS.flatMap(node =>
          ['control-plane', 'etcd', 'master'].map(role => ({
            labels: { node, role },
            value: constant(1),
          })),
        ),
      ),
      gauge(
        'kube_node_info',
        'Information about a cluster node.',
        NODES.map(node => ({
          labels: {
            node,
            kubelet_version: 'v1.31.4+rke2r1',
            container_runtime_version: 'containerd://1.7.23-k3s2',
            os_image: 'SUSE Linux Enterprise Server 15 SP6',
            internal_ip: ip(node),
          },
          value: constant(1),
        })),
      ),
      gauge(
        'kube_pod_status_phase',
        'The pods current phase.',
        pods.flatMap(([namespace, pod, current]) =>
          phases.map(phase => ({
            labels: { namespace, pod, phase },
            value: constant(phase === current ? 1 : 0),
          })),
        ),
      ),
    ],
  };
}

function apiServer(node: string, index: number): SyntheticTarget {
  const rates: Array<[string, string, number]> = [
    ['GET', '200', 40],
    ['LIST', '200', 6],
    ['WATCH', '200', 2],
    ['POST', '201', 5],
    ['PATCH', '200', 3],
    ['GET', '404', 1],
    ['GET', '500', 0.3],
    ['POST', '503', 0.1],
  ];
  return {
    job: 'apiserver',
    instance: `${ip(node)}:6443`,
    families: [
      counterFamily(
        'apiserver_request',
        'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
        rates.map(([verb, code, rate]) => ({
          labels: { verb, code, component: 'apiserver' },
          value: counter(rate, 0.6, 5400, index),
        })),
      ),
    ],
  };
}

function etcd(node: string, index: number, now: number): SyntheticTarget {
  // One leader change 40 minutes before the harness started, on every member.
  const changedAt = now - 40 * 60;
  return {
    job: 'kube-etcd',
    instance: `${ip(node)}:2381`,
    families: [
      gauge(
        'etcd_server_has_leader',
        'Whether or not a leader exists. 1 is existence, 0 is not.',
        [{ labels: {}, value: constant(1) }],
      ),
      gauge(
        'etcd_server_is_leader',
        'Whether or not this member is a leader. 1 if is, 0 otherwise.',
        [
          {
            labels: {},
            value: t =>
              t < changedAt ? Number(index === 0) : Number(index === 1),
          },
        ],
      ),
      counterFamily(
        'etcd_server_leader_changes_seen',
        'The number of leader changes seen.',
        [{ labels: {}, value: t => (t < changedAt ? 2 : 3) }],
      ),
      gauge(
        'etcd_mvcc_db_total_size_in_bytes',
        'Total size of the underlying database physically allocated in bytes.',
        [
          // Grows until the periodic defragmentation every six hours.
          {
            labels: {},
            value: t =>
              52_000_000 + ((t - BOOT) % 21_600) * 800 + index * 100_000,
          },
        ],
      ),
    ],
  };
}

function nodeExporter(node: string, index: number): SyntheticTarget {
  const server = SERVERS.includes(node);
  const cpus = server ? 2 : 4;
  const busy = server ? 0.25 : 0.55;
  const memTotal = (server ? 16 : 64) * 2 ** 30;
  const filesystems: Array<[string, string, string, number]> = [
    ['/dev/sda2', 'ext4', '/', 200e9],
    ['/dev/sda1', 'vfat', '/boot/efi', 0.5e9],
    ...(server
      ? []
      : [
          ['/dev/sdb1', 'ext4', '/var/lib/longhorn', 2e12] as [
            string,
            string,
            string,
            number,
          ],
        ]),
  ];
  return {
    job: 'node-exporter',
    instance: `${ip(node)}:9100`,
    families: [
      counterFamily(
        'node_cpu_seconds',
        'Seconds the CPUs spent in each mode.',
        Array.from({ length: cpus }, (_, cpu) => cpu).flatMap(cpu => {
          const user = busy * 0.8;
          const system = busy * 0.2;
          return [
            {
              labels: { cpu: String(cpu), mode: 'user' },
              value: counter(user, 0.5, 3600, index),
            },
            {
              labels: { cpu: String(cpu), mode: 'system' },
              value: counter(system, 0.5, 3600, index),
            },
            // Idle takes what is left, so the modes add up to one second per second.
            {
              labels: { cpu: String(cpu), mode: 'idle' },
              value: (t: number) =>
                t -
                BOOT -
                counter(user, 0.5, 3600, index)(t) -
                counter(system, 0.5, 3600, index)(t),
            },
          ];
        }),
      ),
      gauge(
        'node_memory_MemTotal_bytes',
        'Memory information field MemTotal_bytes.',
        [{ labels: {}, value: constant(memTotal) }],
      ),
      gauge(
        'node_memory_MemAvailable_bytes',
        'Memory information field MemAvailable_bytes.',
        [
          {
            labels: {},
            value: t =>
              Math.round(
                memTotal *
                  (server ? 0.55 : 0.35) *
                  (1 + 0.15 * wave(t, 7200, index)),
              ),
          },
        ],
      ),
      gauge(
        'node_filesystem_size_bytes',
        'Filesystem size in bytes.',
        filesystems.map(([device, fstype, mountpoint, size]) => ({
          labels: { device, fstype, mountpoint },
          value: constant(size),
        })),
      ),
      gauge(
        'node_filesystem_avail_bytes',
        'Filesystem space available to non-root users in bytes.',
        filesystems.map(([device, fstype, mountpoint, size]) => ({
          labels: { device, fstype, mountpoint },
          value: t => Math.round(size * (0.6 - 0.05 * wave(t, 86_400, index))),
        })),
      ),
      gauge(
        'node_uname_info',
        'Labeled system information as provided by the uname system call.',
        [
          {
            labels: {
              nodename: node,
              sysname: 'Linux',
              release: '6.4.0-150600.23.25-default',
              machine: 'x86_64',
            },
            value: constant(1),
          },
        ],
      ),
    ],
  };
}

function kubevirt(): SyntheticTarget {
  return {
    job: 'kubevirt-prometheus-metrics',
    instance: '10.42.1.20:8443',
    families: [
      gauge(
        'kubevirt_vmi_info',
        'Information about VirtualMachineInstances.',
        Array.from({ length: 9 }, (_, i) => ({
          labels: {
            // A VMI that is still being scheduled has no node yet.
            ...(i < 8 ? { node: WORKERS[i % 2] } : {}),
            namespace: 'workspaces',
            name: `desk-${i}`,
            phase: i < 8 ? 'running' : 'scheduling',
            os: i % 3 === 0 ? 'windows11' : 'ubuntu',
            workload: 'desktop',
            flavor: '<none>',
            instance_type: i % 3 === 0 ? 'u1.large' : 'u1.medium',
            preference: i % 3 === 0 ? 'windows.11.virtio' : 'ubuntu',
          },
          value: constant(1),
        })),
      ),
    ],
  };
}

const VOLUMES = Array.from({ length: 12 }, (_, i) => ({
  volume: `pvc-0c5e${String(i).padStart(4, '0')}-desk`,
  pvc: `desk-${i}-rootdisk`,
  node: WORKERS[i % 2],
  // Codes: 1 healthy, 2 degraded, 3 faulted; 2 attached, 3 detached.
  robustness: ({ 3: 2, 7: 3 } as Record<number, number>)[i] ?? 1,
  state: i === 7 || i >= 10 ? 3 : 2,
  capacity: 60 * 2 ** 30,
}));

const ROBUSTNESS = ['unknown', 'healthy', 'degraded', 'faulted'];
const STATES = [
  '',
  'creating',
  'attached',
  'detached',
  'attaching',
  'detaching',
  'deleting',
];

/**
 * Longhorn up to 1.10 exposes a volume's robustness and state as a numeric
 * code; 1.11 names it in a `state` label, with 1 for the current one.
 */
export type LonghornMetrics = 'codes' | 'labels';

function longhorn(
  node: string,
  index: number,
  format: LonghornMetrics,
): SyntheticTarget {
  const mine = VOLUMES.filter(v => v.node === node);
  const perVolume = (
    value: (v: (typeof VOLUMES)[number]) => (t: number) => number,
  ) =>
    mine.map(v => ({
      labels: {
        volume: v.volume,
        pvc: v.pvc,
        pvc_namespace: 'workspaces',
        node,
      },
      value: value(v),
    }));
  const coded = (
    names: string[],
    code: (v: (typeof VOLUMES)[number]) => number,
  ) =>
    format === 'codes'
      ? perVolume(v => constant(code(v)))
      : mine.flatMap(v =>
          names.filter(Boolean).map(state => ({
            labels: {
              volume: v.volume,
              pvc: v.pvc,
              pvc_namespace: 'workspaces',
              node,
              state,
            },
            value: constant(names[code(v)] === state ? 1 : 0),
          })),
        );
  return {
    job: 'longhorn',
    instance: `10.42.${index + 1}.5:9500`,
    families: [
      gauge(
        'longhorn_volume_robustness',
        'Robustness of this volume',
        coded(ROBUSTNESS, v => v.robustness),
      ),
      gauge(
        'longhorn_volume_state',
        'State of this volume',
        coded(STATES, v => v.state),
      ),
      gauge(
        'longhorn_volume_capacity_bytes',
        'Configured size in bytes for this volume',
        perVolume(v => constant(v.capacity)),
      ),
      gauge(
        'longhorn_volume_actual_size_bytes',
        'Actual space used by each replica of the volume on the corresponding node',
        perVolume(
          v => t => Math.round(v.capacity * (0.3 + 0.02 * wave(t, 43_200))),
        ),
      ),
      gauge(
        'longhorn_node_storage_capacity_bytes',
        'The storage capacity of this node',
        [{ labels: { node }, value: constant(2e12) }],
      ),
      gauge(
        'longhorn_node_storage_usage_bytes',
        'The used storage of this node',
        [
          {
            labels: { node },
            value: t =>
              Math.round(2e12 * (0.38 + 0.03 * wave(t, 43_200, index))),
          },
        ],
      ),
    ],
  };
}

/** The portal's own metrics (plugins/workspaces-backend WorkspaceMetrics). */
export function portal(): SyntheticTarget {
  const phases: Array<[string, (t: number) => number]> = [
    ['Running', t => 8 + Math.round(2 * wave(t, 10_800))],
    ['Stopped', constant(4)],
    ['Starting', constant(1)],
    ['Failed', constant(1)],
  ];
  return {
    job: 'desktop-mania',
    instance: '10.42.1.30:7007',
    families: [
      gauge(
        'desktopmania_workspaces',
        'Desktops by cluster and phase, as of the last housekeeping pass',
        phases.map(([phase, value]) => ({
          labels: { cluster: 'rke2-prod', phase },
          value,
        })),
      ),
      gauge(
        'desktopmania_console_sessions_active',
        'Console sessions being relayed now',
        [{ labels: {}, value: t => 5 + Math.round(3 * wave(t, 5400)) }],
      ),
    ],
  };
}

/** Every target of the synthetic cluster. `now` anchors the few events of its history. */
export function syntheticCluster(
  now: number,
  options: { longhorn?: LonghornMetrics } = {},
): SyntheticTarget[] {
  return [
    kubeStateMetrics(),
    ...SERVERS.map((node, i) => apiServer(node, i)),
    ...SERVERS.map((node, i) => etcd(node, i, now)),
    ...NODES.map((node, i) => nodeExporter(node, i)),
    kubevirt(),
    ...WORKERS.map((node, i) => longhorn(node, i, options.longhorn ?? 'codes')),
    portal(),
  ];
}

/** The rules Prometheus evaluates: the portal's alerts from deploy/, firing at once rather than after `for`. */
export const ALERT_RULES = `groups:
  - name: cluster
    rules:
      - alert: KubeNodeNotReady
        expr: kube_node_status_condition{condition="Ready",status="true"} == 0
        labels: { severity: warning }
        annotations: { summary: "Node {{ $labels.node }} is not ready" }
      - alert: EtcdNoLeader
        expr: etcd_server_has_leader == 0
        labels: { severity: critical }
        annotations: { summary: "etcd member {{ $labels.instance }} has no leader" }
      - alert: LonghornVolumeDegraded
        expr: longhorn_volume_robustness{state=""} == 2 or longhorn_volume_robustness{state="degraded"} == 1
        labels: { severity: warning }
        annotations: { summary: "Longhorn volume {{ $labels.volume }} is degraded" }
      - alert: LonghornVolumeFaulted
        expr: longhorn_volume_robustness{state=""} == 3 or longhorn_volume_robustness{state="faulted"} == 1
        labels: { severity: critical }
        annotations: { summary: "Longhorn volume {{ $labels.volume }} is faulted" }
      - alert: DesktopFailed
        expr: sum by (cluster) (desktopmania_workspaces{phase="Failed"}) > 0
        labels: { severity: warning }
        annotations: { summary: "{{ $value }} desktops on {{ $labels.cluster }} have failed" }
`;

const labelText = (labels: Labels) => {
  const pairs = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
  );
  return pairs.length ? `{${pairs.join(',')}}` : '';
};
const sampleName = (family: Family) =>
  family.type === 'counter' ? `${family.name}_total` : family.name;

/** One target's metrics now, in the text format Prometheus scrapes. */
export function exposition(target: SyntheticTarget, t: number): string {
  const lines: string[] = [];
  for (const family of target.families) {
    const name = sampleName(family);
    lines.push(
      `# HELP ${name} ${family.help}`,
      `# TYPE ${name} ${family.type}`,
    );
    for (const s of family.series)
      lines.push(`${name}${labelText(s.labels)} ${s.value(t)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The history of every target from `from` to `to` (unix seconds) as
 * OpenMetrics for `promtool tsdb create-blocks-from openmetrics`, with the
 * `job` and `instance` labels Prometheus would have added, and `up`.
 */
export function* openMetricsHistory(
  targets: SyntheticTarget[],
  times: number[],
): Generator<string> {
  const families = new Map<
    string,
    {
      family: Family;
      rows: Array<{ labels: Labels; value: (t: number) => number }>;
    }
  >();
  const add = (
    family: Family,
    labels: Labels,
    value: (t: number) => number,
  ) => {
    const entry = families.get(family.name) ?? { family, rows: [] };
    entry.rows.push({ labels, value });
    families.set(family.name, entry);
  };
  const up = gauge('up', 'Whether the target answered its last scrape.', []);
  for (const target of targets) {
    const where = { job: target.job, instance: target.instance };
    add(up, where, constant(1));
    for (const family of target.families) {
      for (const s of family.series)
        add(family, { ...s.labels, ...where }, s.value);
    }
  }
  for (const { family, rows } of families.values()) {
    yield `# HELP ${family.name} ${family.help}\n# TYPE ${family.name} ${family.type}\n`;
    const name = sampleName(family);
    for (const row of rows) {
      const prefix = `${name}${labelText(row.labels)} `;
      yield times.map(t => `${prefix}${row.value(t)} ${t}\n`).join('');
    }
  }
  yield '# EOF\n';
}
