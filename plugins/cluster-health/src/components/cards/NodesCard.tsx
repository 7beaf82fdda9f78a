import {
  StatusError,
  StatusOK,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { PanelNotice } from '../PanelNotice';
import { absent, answers, NOT_AVAILABLE, Panels, samples } from './panels';

interface NodeRow {
  node: string;
  ready: boolean;
  roles: string;
  version: string;
  ip: string;
}

const columns: TableColumn<NodeRow>[] = [
  { title: 'Node', field: 'node', highlight: true },
  { title: 'Roles', field: 'roles' },
  {
    title: 'Status',
    field: 'ready',
    render: row =>
      row.ready ? (
        <StatusOK>Ready</StatusOK>
      ) : (
        <StatusError>Not ready</StatusError>
      ),
  },
  { title: 'Kubelet', field: 'version' },
  { title: 'Internal IP', field: 'ip' },
];

/** kube-state-metrics' view of the nodes: readiness, roles, versions. */
export function NodesCard({ panels }: { panels: Panels }) {
  const roles = new Map<string, string[]>();
  for (const s of samples(panels, 'nodeRoles')) {
    if (s.value === 1)
      roles.set(s.labels.node, [
        ...(roles.get(s.labels.node) ?? []),
        s.labels.role,
      ]);
  }
  const info = new Map(
    samples(panels, 'nodeInfo').map(s => [s.labels.node, s.labels]),
  );
  const rows: NodeRow[] = samples(panels, 'nodesReady')
    .map(s => ({
      node: s.labels.node,
      ready: s.value === 1,
      // Agents of an RKE2 cluster carry no role label.
      roles: (roles.get(s.labels.node) ?? []).sort().join(', ') || 'worker',
      version: info.get(s.labels.node)?.kubelet_version ?? '—',
      ip: info.get(s.labels.node)?.internal_ip ?? '—',
    }))
    .sort((a, b) => a.node.localeCompare(b.node));
  const ready = rows.filter(r => r.ready).length;
  const unavailable = absent(panels, 'nodesReady');

  return (
    <div data-testid="cluster-nodes">
      <PanelNotice
        answers={answers(panels, ['nodesReady', 'nodeRoles', 'nodeInfo'])}
      />
      <Table<NodeRow>
        title={unavailable ? 'Nodes' : `Nodes (${ready}/${rows.length} ready)`}
        // Draggable headers wrap the sort button in another button, which
        // screen readers cannot reach (axe: nested-interactive).
        options={{
          paging: false,
          search: false,
          padding: 'dense',
          draggable: false,
        }}
        columns={columns}
        data={rows}
        emptyContent={
          <Typography
            style={{ padding: 16 }}
            color="textSecondary"
            data-testid="nodes-empty"
          >
            {unavailable
              ? `${NOT_AVAILABLE}: Prometheus has no node metrics from kube-state-metrics.`
              : 'No data'}
          </Typography>
        }
      />
    </div>
  );
}
