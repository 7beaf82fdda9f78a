import type {
  InstantPanelName,
  PanelUnit,
  RangePanelName,
} from '@desktop-mania/plugin-cluster-health-common';

export interface PanelDefinition {
  title: string;
  query: string;
  unit: PanelUnit;
}

// Real filesystems only; bind mounts of one device count once.
const FS = 'fstype!~"tmpfs|overlay|squashfs|ramfs|nsfs|fuse.*"';
const FS_AVAIL = `max by (instance, device) (node_filesystem_avail_bytes{${FS}})`;
const FS_SIZE = `max by (instance, device) (node_filesystem_size_bytes{${FS}})`;
// node-exporter labels series by scrape address; node_uname_info adds the host name.
const WITH_NODENAME = '* on (instance) group_left (nodename) node_uname_info';

const NODE_CPU = `(1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) ${WITH_NODENAME}`;
const NODE_MEMORY = `(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) ${WITH_NODENAME}`;
const NODE_DISK = `(1 - sum by (instance) (${FS_AVAIL}) / sum by (instance) (${FS_SIZE})) ${WITH_NODENAME}`;
const API_ERROR_RATE =
  'sum(rate(apiserver_request_total{code=~"5.."}[5m])) / sum(rate(apiserver_request_total[5m]))';

// Longhorn up to 1.10 encodes a volume's robustness and state as the value
// (robustness 0 unknown, 1 healthy, 2 degraded, 3 faulted; state 1 creating,
// 2 attached, 3 detached, 4 attaching, 5 detaching, 6 deleting). From 1.11 a
// `state` label names it and the value is 1 for the current one. These
// queries read either; the page names the numeric codes.
const byState = (metric: string) =>
  `sum by (state) (${metric}{state!=""}) or count_values("state", ${metric}{state=""})`;

/**
 * The PromQL behind the overview, as an RKE2 cluster with kube-prometheus-stack
 * exposes its metrics: kube-state-metrics, node-exporter, the API server,
 * etcd (RKE2 needs `etcd-expose-metrics: true`), KubeVirt, Longhorn and the
 * portal's own `desktopmania_*`. Config can replace any query by name.
 */
export const INSTANT_PANEL_DEFAULTS: Record<InstantPanelName, PanelDefinition> =
  {
    nodesReady: {
      title: 'Node readiness',
      query:
        'max by (node) (kube_node_status_condition{condition="Ready",status="true"})',
      unit: 'count',
    },
    nodeRoles: {
      title: 'Node roles',
      query: 'max by (node, role) (kube_node_role)',
      unit: 'count',
    },
    nodeInfo: {
      title: 'Node versions',
      query:
        'max by (node, kubelet_version, os_image, internal_ip) (kube_node_info)',
      unit: 'count',
    },
    apiserverUp: {
      title: 'API server instances up',
      query: 'max by (instance) (up{job="apiserver"})',
      unit: 'count',
    },
    apiserverErrorRate: {
      title: 'API server 5xx ratio',
      query: API_ERROR_RATE,
      unit: 'ratio',
    },
    apiserverRequestsByCode: {
      title: 'API server requests by code',
      query: 'sum by (code) (rate(apiserver_request_total[5m]))',
      unit: 'perSecond',
    },
    etcdHasLeader: {
      title: 'etcd members with a leader',
      query: 'max by (instance) (etcd_server_has_leader)',
      unit: 'count',
    },
    etcdDbSize: {
      title: 'etcd database size',
      query: 'max by (instance) (etcd_mvcc_db_total_size_in_bytes)',
      unit: 'bytes',
    },
    etcdLeaderChanges: {
      title: 'etcd leader changes in the last hour',
      query: 'max(increase(etcd_server_leader_changes_seen_total[1h]))',
      unit: 'count',
    },
    nodeCpu: { title: 'CPU use per node', query: NODE_CPU, unit: 'ratio' },
    nodeMemory: {
      title: 'Memory use per node',
      query: NODE_MEMORY,
      unit: 'ratio',
    },
    nodeDisk: { title: 'Disk use per node', query: NODE_DISK, unit: 'ratio' },
    clusterCpu: {
      title: 'CPU use',
      query: '1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))',
      unit: 'ratio',
    },
    clusterMemory: {
      title: 'Memory use',
      query:
        '1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes)',
      unit: 'ratio',
    },
    clusterDisk: {
      title: 'Disk use',
      query: `1 - sum(${FS_AVAIL}) / sum(${FS_SIZE})`,
      unit: 'ratio',
    },
    podsByPhase: {
      title: 'Pods by phase',
      query: 'sum by (phase) (kube_pod_status_phase)',
      unit: 'count',
    },
    vmisByPhase: {
      title: 'KubeVirt VMIs by phase',
      query: 'count by (phase) (kubevirt_vmi_info)',
      unit: 'count',
    },
    desktopsByPhase: {
      title: 'Desktops by status',
      query: 'sum by (phase) (desktopmania_workspaces)',
      unit: 'count',
    },
    consoleSessions: {
      title: 'Console sessions',
      query: 'sum(desktopmania_console_sessions_active)',
      unit: 'count',
    },
    longhornVolumeRobustness: {
      title: 'Longhorn volumes by robustness',
      query: byState('longhorn_volume_robustness'),
      unit: 'count',
    },
    longhornVolumeState: {
      title: 'Longhorn volumes by state',
      query: byState('longhorn_volume_state'),
      unit: 'count',
    },
    longhornUnhealthyVolumes: {
      title: 'Longhorn volumes not healthy',
      query:
        'longhorn_volume_robustness{state=""} != 1 or (longhorn_volume_robustness{state!="", state!="healthy"} == 1)',
      unit: 'count',
    },
    longhornVolumeCapacity: {
      title: 'Longhorn volume size',
      query: 'sum(longhorn_volume_capacity_bytes)',
      unit: 'bytes',
    },
    longhornVolumeActualSize: {
      title: 'Longhorn volume data',
      query: 'sum(longhorn_volume_actual_size_bytes)',
      unit: 'bytes',
    },
    longhornNodeCapacity: {
      title: 'Longhorn storage per node',
      query: 'sum by (node) (longhorn_node_storage_capacity_bytes)',
      unit: 'bytes',
    },
    longhornNodeUsage: {
      title: 'Longhorn storage used per node',
      query: 'sum by (node) (longhorn_node_storage_usage_bytes)',
      unit: 'bytes',
    },
  };

/** The PromQL behind the charts. */
export const RANGE_PANEL_DEFAULTS: Record<RangePanelName, PanelDefinition> = {
  cpuOverTime: { title: 'CPU use per node', query: NODE_CPU, unit: 'ratio' },
  memoryOverTime: {
    title: 'Memory use per node',
    query: NODE_MEMORY,
    unit: 'ratio',
  },
  diskOverTime: { title: 'Disk use per node', query: NODE_DISK, unit: 'ratio' },
  apiserverErrorsOverTime: {
    title: 'API server 5xx ratio',
    query: API_ERROR_RATE,
    unit: 'ratio',
  },
  apiserverRequestsOverTime: {
    title: 'API server requests by code',
    query: 'sum by (code) (rate(apiserver_request_total[5m]))',
    unit: 'perSecond',
  },
  etcdDbSizeOverTime: {
    title: 'etcd database size',
    query: 'max by (instance) (etcd_mvcc_db_total_size_in_bytes)',
    unit: 'bytes',
  },
  runningDesktopsOverTime: {
    title: 'Running desktops',
    query: 'sum(desktopmania_workspaces{phase="Running"})',
    unit: 'count',
  },
  consoleSessionsOverTime: {
    title: 'Console sessions',
    query: 'sum(desktopmania_console_sessions_active)',
    unit: 'count',
  },
  longhornUsageOverTime: {
    title: 'Longhorn storage used',
    query:
      'sum(longhorn_node_storage_usage_bytes) / sum(longhorn_node_storage_capacity_bytes)',
    unit: 'ratio',
  },
};
