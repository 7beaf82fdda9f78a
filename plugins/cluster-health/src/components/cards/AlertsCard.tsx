import {
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import type {
  AlertsAnswer,
  ClusterAlert,
} from '@desktop-mania/plugin-cluster-health-common';
import { LoadProblem } from '../Problem';
import { PanelNotice } from '../PanelNotice';

const columns: TableColumn<ClusterAlert>[] = [
  {
    title: 'Severity',
    field: 'severity',
    render: a =>
      a.severity === 'critical' || a.severity === 'error' ? (
        <StatusError>{a.severity}</StatusError>
      ) : (
        <StatusWarning>{a.severity}</StatusWarning>
      ),
  },
  { title: 'Alert', field: 'name', highlight: true },
  { title: 'Summary', field: 'summary' },
  {
    title: 'Since',
    render: a => (a.activeAt ? new Date(a.activeAt).toLocaleString() : '—'),
  },
];

/** Prometheus's firing alerts, most severe first. */
export function AlertsCard(props: {
  answer?: AlertsAnswer;
  error?: Error;
  loading: boolean;
}) {
  const { answer, error, loading } = props;
  const alerts = answer?.data ?? [];
  return (
    <div data-testid="cluster-alerts">
      {error && (
        <LoadProblem error={error} title="Could not read the alerts" compact />
      )}
      <PanelNotice answers={[answer]} />
      <Table<ClusterAlert>
        title={answer ? `Firing alerts (${alerts.length})` : 'Firing alerts'}
        isLoading={loading && !answer}
        // Draggable headers wrap the sort button in another button, which
        // screen readers cannot reach (axe: nested-interactive).
        options={{
          paging: false,
          search: false,
          padding: 'dense',
          draggable: false,
        }}
        columns={columns}
        data={alerts}
        emptyContent={
          <Box p={2}>
            {answer ? (
              <StatusOK>Nothing is firing</StatusOK>
            ) : (
              <Typography color="textSecondary">
                {loading ? 'Loading…' : 'No alerts to show'}
              </Typography>
            )}
          </Box>
        }
      />
    </div>
  );
}
