import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { Chip, Grid, LinearProgress, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import type { ClusterAlert, ClusterOverview, InstantSample } from '@desktop-mania/plugin-cluster-health-common';
import { bytes, formatValue, percent } from './format';

type Panels = ClusterOverview['panels'];

function samples(panels: Panels, name: string): InstantSample[] {
  const p = panels[name] as any;
  // A stale answer still has data; a failed one has none.
  return p?.data ?? [];
}

function first(panels: Panels, name: string): number | undefined {
  return samples(panels, name)[0]?.value;
}

function PanelProblem(props: { panels: Panels; names: string[] }) {
  const problems = props.names
    .map(n => props.panels[n] as any)
    .filter(p => p?.error);
  if (!problems.length) return null;
  return (
    <Alert severity={problems.some(p => !p.stale) ? 'error' : 'warning'} style={{ marginBottom: 8 }}>
      {problems.map(p => `${p.title}: ${p.stale ? `showing data from ${new Date(p.fetchedAt).toLocaleTimeString()} — ` : ''}${p.error}`).join('; ')}
    </Alert>
  );
}

function Counts(props: { panels: Panels; name: string; label: string; title: string }) {
  const data = samples(props.panels, props.name);
  return (
    <InfoCard title={props.title}>
      <PanelProblem panels={props.panels} names={[props.name]} />
      {data.length === 0 ? (
        <Typography color="textSecondary">No data</Typography>
      ) : (
        data
          .sort((a, b) => b.value - a.value)
          .map(s => <Chip key={s.labels[props.label] ?? 'all'} label={`${s.labels[props.label] ?? 'total'}: ${s.value}`} style={{ margin: 4 }} />)
      )}
    </InfoCard>
  );
}

export function NodesCard({ panels }: { panels: Panels }) {
  const roles = new Map<string, string[]>();
  for (const s of samples(panels, 'nodeRoles')) {
    roles.set(s.labels.node, [...(roles.get(s.labels.node) ?? []), s.labels.role]);
  }
  const rows = samples(panels, 'nodesReady').map(s => ({
    node: s.labels.node,
    ready: s.value === 1,
    roles: (roles.get(s.labels.node) ?? []).sort().join(', '),
  }));
  const columns: TableColumn<(typeof rows)[number]>[] = [
    { title: 'Node', field: 'node' },
    { title: 'Roles', field: 'roles' },
    { title: 'Ready', render: r => (r.ready ? <StatusOK>Ready</StatusOK> : <StatusError>Not ready</StatusError>) },
  ];
  return (
    <div data-testid="cluster-nodes">
      <PanelProblem panels={panels} names={['nodesReady', 'nodeRoles']} />
      <Table title={`Nodes (${rows.filter(r => r.ready).length}/${rows.length} ready)`} options={{ paging: false, search: false, padding: 'dense' }} columns={columns} data={rows} />
    </div>
  );
}

export function ControlPlaneCard({ panels }: { panels: Panels }) {
  const up = first(panels, 'apiserverUp');
  const errors = first(panels, 'apiserverErrorRate');
  const etcd = samples(panels, 'etcdHasLeader');
  const dbSize = Math.max(...samples(panels, 'etcdDbSize').map(s => s.value), 0);
  return (
    <InfoCard title="Control plane">
      <PanelProblem panels={panels} names={['apiserverUp', 'apiserverErrorRate', 'etcdHasLeader', 'etcdDbSize']} />
      <Typography>API server availability: {up === 1 ? <StatusOK>{percent(up)}</StatusOK> : <StatusWarning>{percent(up)}</StatusWarning>}</Typography>
      <Typography>API server 5xx rate: {errors !== undefined && errors > 0.01 ? <StatusWarning>{percent(errors)}</StatusWarning> : <StatusOK>{percent(errors)}</StatusOK>}</Typography>
      <Typography>
        etcd: {etcd.filter(s => s.value === 1).length}/{etcd.length} members see a leader
        {etcd.length && etcd.every(s => s.value === 1) ? <StatusOK /> : <StatusError />}
      </Typography>
      <Typography>etcd database: {bytes(dbSize)}</Typography>
    </InfoCard>
  );
}

export function ResourcesCard({ panels }: { panels: Panels }) {
  const rows = (['nodeCpu', 'nodeMemory', 'nodeDisk'] as const).flatMap(name =>
    samples(panels, name).map(s => ({ what: { nodeCpu: 'CPU', nodeMemory: 'Memory', nodeDisk: 'Disk' }[name], instance: s.labels.instance, value: s.value })),
  );
  return (
    <InfoCard title="CPU, memory and disk per node">
      <PanelProblem panels={panels} names={['nodeCpu', 'nodeMemory', 'nodeDisk']} />
      {rows.map(r => (
        <div key={`${r.what}-${r.instance}`} style={{ marginBottom: 8 }}>
          <Typography variant="body2">
            {r.what} on {r.instance}: {percent(r.value)}
          </Typography>
          <LinearProgress variant="determinate" value={Math.min(100, r.value * 100)} color={r.value > 0.85 ? 'secondary' : 'primary'} />
        </div>
      ))}
    </InfoCard>
  );
}

const ROBUSTNESS: Record<string, string> = { '0': 'unknown', '1': 'healthy', '2': 'degraded', '3': 'faulted' };

export function StorageCard({ panels }: { panels: Panels }) {
  const capacity = first(panels, 'longhornCapacity');
  const used = first(panels, 'longhornUsage');
  const volumes = samples(panels, 'longhornVolumeRobustness');
  return (
    <InfoCard title="Longhorn storage">
      <PanelProblem panels={panels} names={['longhornCapacity', 'longhornUsage', 'longhornVolumeRobustness']} />
      <Typography>
        {bytes(used)} used of {bytes(capacity)} ({capacity ? percent((used ?? 0) / capacity) : '—'})
      </Typography>
      <LinearProgress variant="determinate" value={capacity ? Math.min(100, ((used ?? 0) / capacity) * 100) : 0} />
      <div style={{ marginTop: 8 }}>
        {volumes.map(v => (
          <Chip key={v.labels.robustness} label={`${ROBUSTNESS[v.labels.robustness] ?? v.labels.robustness}: ${v.value}`} color={v.labels.robustness === '1' ? 'primary' : 'secondary'} style={{ margin: 4 }} />
        ))}
      </div>
    </InfoCard>
  );
}

export function WorkloadCards({ panels }: { panels: Panels }) {
  return (
    <>
      <Grid item xs={12} md={4}>
        <Counts panels={panels} name="podsByPhase" label="phase" title="Pods by phase" />
      </Grid>
      <Grid item xs={12} md={4}>
        <Counts panels={panels} name="vmisByPhase" label="phase" title="KubeVirt VMIs by phase" />
      </Grid>
      <Grid item xs={12} md={4}>
        <Counts panels={panels} name="desktopsByPhase" label="phase" title="Desktops by status" />
        <Typography variant="body2" style={{ marginTop: 8 }}>
          Console sessions now: {formatValue(first(panels, 'consoleSessions'), 'count')}
        </Typography>
      </Grid>
    </>
  );
}

export function AlertsTable(props: { alerts?: ClusterAlert[]; error?: string; stale?: boolean }) {
  const columns: TableColumn<ClusterAlert>[] = [
    { title: 'Severity', render: a => (a.severity === 'critical' ? <StatusError>critical</StatusError> : <StatusWarning>{a.severity}</StatusWarning>) },
    { title: 'Alert', field: 'name' },
    { title: 'Summary', field: 'summary' },
    { title: 'Since', render: a => (a.activeAt ? new Date(a.activeAt).toLocaleString() : '—') },
  ];
  return (
    <div data-testid="cluster-alerts">
      {props.error && <Alert severity={props.stale ? 'warning' : 'error'}>Alerts: {props.error}</Alert>}
      <Table
        title={`Firing alerts (${props.alerts?.length ?? 0})`}
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={props.alerts ?? []}
        emptyContent={<Typography style={{ padding: 16 }}>Nothing is firing</Typography>}
      />
    </div>
  );
}
