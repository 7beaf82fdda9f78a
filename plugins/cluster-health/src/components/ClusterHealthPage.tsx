import { useCallback, useEffect, useState } from 'react';
import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { FormControl, FormControlLabel, Grid, InputLabel, MenuItem, Select, Switch } from '@material-ui/core';
import {
  CLUSTER_HEALTH_RANGES,
  ClusterAlert,
  ClusterHealthRange,
  ClusterOverview,
  ClusterSummary,
  PanelResult,
  RANGE_PANELS,
} from '@desktop-mania/plugin-cluster-health-common';
import { clusterHealthApiRef } from '../api';
import { AlertsTable, ControlPlaneCard, NodesCard, ResourcesCard, StorageCard, WorkloadCards } from './OverviewCards';
import { TimeSeriesChart } from './TimeSeriesChart';

const REFRESH_MS = 30_000;

/** The health of one cluster, for platform owners. */
export function ClusterHealthView(props: { cluster: string; range: ClusterHealthRange; refreshKey: number }) {
  const api = useApi(clusterHealthApiRef);
  const [overview, setOverview] = useState<ClusterOverview>();
  const [alerts, setAlerts] = useState<PanelResult<ClusterAlert[]>>();
  const [error, setError] = useState<Error>();
  const [alertsError, setAlertsError] = useState<string>();

  useEffect(() => {
    api.getOverview(props.cluster).then(o => {
      setOverview(o);
      setError(undefined);
    }, setError);
    api.getAlerts(props.cluster).then(a => {
      setAlerts(a);
      setAlertsError(undefined);
    }, e => setAlertsError(e.message));
  }, [api, props.cluster, props.refreshKey]);

  if (error && !overview) return <ResponseErrorPanel error={error} title="Could not read the cluster's health" />;
  if (!overview) return <Progress />;
  const panels = overview.panels;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={7}>
        <NodesCard panels={panels} />
      </Grid>
      <Grid item xs={12} md={5}>
        <ControlPlaneCard panels={panels} />
      </Grid>
      <Grid item xs={12}>
        <AlertsTable alerts={alerts?.data} error={alertsError ?? alerts?.error} stale={alerts?.stale} />
      </Grid>
      <WorkloadCards panels={panels} />
      <Grid item xs={12} md={6}>
        <ResourcesCard panels={panels} />
      </Grid>
      <Grid item xs={12} md={6}>
        <StorageCard panels={panels} />
      </Grid>
      {RANGE_PANELS.map(panel => (
        <Grid item xs={12} md={6} key={panel}>
          <TimeSeriesChart cluster={props.cluster} panel={panel} range={props.range} refreshKey={props.refreshKey} />
        </Grid>
      ))}
    </Grid>
  );
}

export function ClusterHealthPage() {
  const api = useApi(clusterHealthApiRef);
  const [clusters, setClusters] = useState<ClusterSummary[]>();
  const [error, setError] = useState<Error>();
  const [cluster, setCluster] = useState<string>();
  const [range, setRange] = useState<ClusterHealthRange>('6h');
  const [auto, setAuto] = useState(true);
  const [refreshKey, setRefreshKey] = useState(0);

  useEffect(() => {
    api.listClusters().then(c => {
      setClusters(c);
      setCluster(current => current ?? c[0]?.name);
    }, setError);
  }, [api]);

  const tick = useCallback(() => setRefreshKey(k => k + 1), []);
  useEffect(() => {
    if (!auto) return undefined;
    const t = setInterval(tick, REFRESH_MS);
    return () => clearInterval(t);
  }, [auto, tick]);

  let body;
  if ((error as any)?.statusCode === 403 || (error as any)?.response?.status === 403) {
    body = <EmptyState missing="info" title="You don't have access to cluster health" description="Cluster health is for platform owners. Ask to join the platform owners group." />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} title="Could not list clusters" />;
  } else if (!clusters) {
    body = <Progress />;
  } else if (!clusters.length || !cluster) {
    body = <EmptyState missing="data" title="No clusters are configured" description="Add clusters under clusterHealth.clusters in app-config." />;
  } else {
    body = <ClusterHealthView cluster={cluster} range={range} refreshKey={refreshKey} />;
  }

  return (
    <Page themeId="tool">
      <Header title="Cluster health" subtitle="Nodes, capacity, desktops, storage and alerts">
        {clusters && clusters.length > 1 && (
          <FormControl style={{ minWidth: 160, marginRight: 16 }}>
            <InputLabel>Cluster</InputLabel>
            <Select value={cluster ?? ''} onChange={e => setCluster(e.target.value as string)}>
              {clusters.map(c => (
                <MenuItem key={c.name} value={c.name}>
                  {c.title}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        )}
        <FormControl style={{ minWidth: 100, marginRight: 16 }}>
          <InputLabel id="range-label">Range</InputLabel>
          <Select labelId="range-label" value={range} onChange={e => setRange(e.target.value as ClusterHealthRange)}>
            {CLUSTER_HEALTH_RANGES.map(r => (
              <MenuItem key={r} value={r}>
                {r}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControlLabel control={<Switch checked={auto} onChange={e => setAuto(e.target.checked)} />} label="Auto refresh" />
      </Header>
      <Content>{body}</Content>
    </Page>
  );
}
