import type { InstantPanelName, RangePanelName } from '@desktop-mania/plugin-cluster-health-common';

export interface PanelDefinition {
  title: string;
  query: string;
  unit?: 'ratio' | 'bytes' | 'count';
}

const FS = 'fstype!~"tmpfs|overlay|squashfs|ramfs"';

/**
 * The PromQL behind every panel, as a real RKE2 cluster exposes its metrics:
 * kube-state-metrics, node-exporter, the API server, etcd, KubeVirt, Longhorn
 * and the portal's own metrics. Each can be replaced in config by name.
 */
export const INSTANT_PANEL_QUERIES: Record<InstantPanelName, PanelDefinition> = {
  nodesReady: { title: 'Node readiness', query: 'max by (node) (kube_node_status_condition{condition="Ready",status="true"})', unit: 'count' },
  nodeRoles: { title: 'Node roles', query: 'max by (node, role) (kube_node_role)', unit: 'count' },
  apiserverUp: { title: 'API server availability', query: 'sum(up{job="apiserver"}) / count(up{job="apiserver"})', unit: 'ratio' },
  apiserverErrorRate: {
    title: 'API server error rate',
    query: 'sum(rate(apiserver_request_total{code=~"5.."}[5m])) / sum(rate(apiserver_request_total[5m]))',
    unit: 'ratio',
  },
  etcdHasLeader: { title: 'etcd leader', query: 'max by (instance) (etcd_server_has_leader)', unit: 'count' },
  etcdDbSize: { title: 'etcd database size', query: 'max by (instance) (etcd_mvcc_db_total_size_in_bytes)', unit: 'bytes' },
  nodeCpu: { title: 'CPU use', query: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', unit: 'ratio' },
  nodeMemory: { title: 'Memory use', query: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', unit: 'ratio' },
  nodeDisk: {
    title: 'Disk use',
    query: `1 - sum by (instance) (node_filesystem_avail_bytes{${FS}}) / sum by (instance) (node_filesystem_size_bytes{${FS}})`,
    unit: 'ratio',
  },
  podsByPhase: { title: 'Pods by phase', query: 'sum by (phase) (kube_pod_status_phase)', unit: 'count' },
  vmisByPhase: { title: 'VMIs by phase', query: 'sum by (phase) (kubevirt_vmi_info)', unit: 'count' },
  desktopsByPhase: { title: 'Desktops by status', query: 'sum by (phase) (desktopmania_workspaces)', unit: 'count' },
  consoleSessions: { title: 'Console sessions', query: 'sum(desktopmania_console_sessions_active)', unit: 'count' },
  longhornVolumeRobustness: {
    title: 'Longhorn volumes by robustness',
    // Longhorn encodes robustness as 0 unknown, 1 healthy, 2 degraded, 3 faulted.
    query: 'count_values("robustness", longhorn_volume_robustness)',
    unit: 'count',
  },
  longhornCapacity: { title: 'Longhorn capacity', query: 'sum(longhorn_node_storage_capacity_bytes)', unit: 'bytes' },
  longhornUsage: { title: 'Longhorn used', query: 'sum(longhorn_node_storage_usage_bytes)', unit: 'bytes' },
};

export const RANGE_PANEL_QUERIES: Record<RangePanelName, PanelDefinition> = {
  cpuOverTime: { title: 'CPU use', query: '1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))', unit: 'ratio' },
  memoryOverTime: { title: 'Memory use', query: '1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes)', unit: 'ratio' },
  apiserverErrorsOverTime: {
    title: 'API server error rate',
    query: 'sum(rate(apiserver_request_total{code=~"5.."}[5m])) / sum(rate(apiserver_request_total[5m]))',
    unit: 'ratio',
  },
  runningDesktopsOverTime: { title: 'Running desktops', query: 'sum(desktopmania_workspaces{phase="Running"})', unit: 'count' },
  consoleSessionsOverTime: { title: 'Console sessions', query: 'sum(desktopmania_console_sessions_active)', unit: 'count' },
};
