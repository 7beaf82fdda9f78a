import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Grid, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  ClusterHealthRange,
  RANGE_PANELS,
  RangePanelName,
} from '@desktop-mania/plugin-cluster-health-common';
import { clusterHealthApiRef } from '../api';
import { AlertsCard } from './cards/AlertsCard';
import { ControlPlaneCard } from './cards/ControlPlaneCard';
import { NodesCard } from './cards/NodesCard';
import { absent, Panels, single } from './cards/panels';
import { PhaseCountsCard } from './cards/PhaseCountsCard';
import { ResourcesCard } from './cards/ResourcesCard';
import { StorageCard } from './cards/StorageCard';
import { WarmPoolCard } from './cards/WarmPoolCard';
import { count } from './format';
import { LoadProblem, messageOf } from './Problem';
import { TimeSeriesChart } from './TimeSeriesChart';
import { useRefreshing } from './useRefreshing';

/**
 * The charts whose metrics the overview shows are missing here, e.g. the
 * API server, etcd and Longhorn on a single machine.
 */
function unavailableCharts(panels: Panels): Set<RangePanelName> {
  const charts = new Set<RangePanelName>();
  if (
    absent(panels, 'apiserverUp') &&
    absent(panels, 'apiserverRequestsByCode')
  )
    charts.add('apiserverErrorsOverTime').add('apiserverRequestsOverTime');
  if (absent(panels, 'etcdHasLeader') && absent(panels, 'etcdDbSize'))
    charts.add('etcdDbSizeOverTime');
  if (absent(panels, 'longhornNodeCapacity'))
    charts.add('longhornUsageOverTime');
  return charts;
}

/** Everything about one cluster: the overview cards, the alerts and the charts. */
export function ClusterHealthView(props: {
  cluster: string;
  range: ClusterHealthRange;
  refreshKey: number;
}) {
  const { cluster, range, refreshKey } = props;
  const api = useApi(clusterHealthApiRef);
  const overview = useRefreshing(
    () => api.getOverview(cluster),
    [cluster],
    refreshKey,
  );
  const alerts = useRefreshing(
    () => api.getAlerts(cluster),
    [cluster],
    refreshKey,
  );

  if (!overview.value) {
    if (overview.error)
      return (
        <LoadProblem
          error={overview.error}
          title="Could not read the cluster's health"
        />
      );
    return <Progress />;
  }
  const panels = overview.value.panels;
  const unavailable = unavailableCharts(panels);
  // No node or pod from kube-state-metrics: not Kubernetes, so no KubeVirt
  // either. On a cluster, no VMIs is just none.
  const noKubernetes =
    absent(panels, 'nodesReady') && absent(panels, 'podsByPhase');
  return (
    <Grid container spacing={3} data-testid="cluster-health-view">
      {overview.error && (
        <Grid item xs={12}>
          <Alert severity="warning" data-testid="refresh-error">
            Could not refresh just now ({messageOf(overview.error)}); the cards
            show the previous answer.
          </Alert>
        </Grid>
      )}
      {noKubernetes ? (
        <Grid item xs={12}>
          <Alert severity="info" data-testid="no-kubernetes">
            This cluster runs desktops without Kubernetes, so it shows this
            machine's CPU, memory and disk, its alerts and its desktops. Nodes,
            the control plane, Longhorn storage, pods and VMIs appear when
            Prometheus collects a Kubernetes cluster's metrics
            (kube-state-metrics, the API server, etcd and Longhorn).
          </Alert>
        </Grid>
      ) : (
        <>
          <Grid item xs={12} lg={7}>
            <NodesCard panels={panels} />
          </Grid>
          <Grid item xs={12} lg={5}>
            <ControlPlaneCard panels={panels} />
          </Grid>
        </>
      )}
      <Grid item xs={12}>
        <AlertsCard
          answer={alerts.value}
          error={alerts.error}
          loading={alerts.loading}
        />
      </Grid>
      <Grid item xs={12} md={noKubernetes ? 8 : 6}>
        <ResourcesCard panels={panels} />
      </Grid>
      {!noKubernetes && (
        <>
          <Grid item xs={12} md={6}>
            <StorageCard panels={panels} />
          </Grid>
          <Grid item xs={12} md={4}>
            <PhaseCountsCard
              panels={panels}
              panel="podsByPhase"
              title="Pods by phase"
              testId="cluster-pods"
              emptyMeansUnavailable
            />
          </Grid>
          <Grid item xs={12} md={4}>
            <PhaseCountsCard
              panels={panels}
              panel="vmisByPhase"
              title="KubeVirt VMIs by phase"
              testId="cluster-vmis"
            />
          </Grid>
        </>
      )}
      <Grid item xs={12} md={4}>
        <PhaseCountsCard
          panels={panels}
          panel="desktopsByPhase"
          extra={['consoleSessions']}
          title="Desktops by status"
          testId="cluster-desktops"
          footer={
            <Typography
              variant="body2"
              style={{ marginTop: 8 }}
              data-testid="console-sessions"
            >
              Console sessions open: {count(single(panels, 'consoleSessions'))}
            </Typography>
          }
        />
      </Grid>
      <Grid item xs={12}>
        <WarmPoolCard cluster={cluster} refreshKey={refreshKey} />
      </Grid>
      {RANGE_PANELS.filter(
        // A chart that cannot have data here says nothing a card does not.
        panel => !(noKubernetes && unavailable.has(panel)),
      ).map(panel => (
        <Grid item xs={12} md={6} key={panel}>
          <TimeSeriesChart
            cluster={cluster}
            panel={panel}
            range={range}
            refreshKey={refreshKey}
            unavailable={unavailable.has(panel)}
          />
        </Grid>
      ))}
    </Grid>
  );
}
