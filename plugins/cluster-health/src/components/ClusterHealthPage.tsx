import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Box,
  Button,
  ButtonGroup,
  FormControl,
  FormControlLabel,
  InputLabel,
  MenuItem,
  Select,
  Switch,
  Typography,
} from '@material-ui/core';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  CLUSTER_HEALTH_RANGES,
  ClusterHealthRange,
} from '@desktop-mania/plugin-cluster-health-common';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { clusterHealthApiRef } from '../api';
import { ClusterHealthView } from './ClusterHealthView';
import { LoadProblem } from './Problem';
import { useRefreshing } from './useRefreshing';

/** The cluster health page: a cluster picker, the range of the charts, and refreshing. */
export function ClusterHealthPage(props: { refreshIntervalMs?: number }) {
  const refreshIntervalMs = props.refreshIntervalMs ?? 30_000;
  const api = useApi(clusterHealthApiRef);
  const clusters = useRefreshing(() => api.listClusters(), [], 0);
  const [params, setParams] = useSearchParams();
  const [range, setRange] = useState<ClusterHealthRange>('6h');
  const [auto, setAuto] = useState(true);
  const [refreshKey, setRefreshKey] = useState(0);
  const [refreshedAt, setRefreshedAt] = useState(() => new Date());

  const refresh = useCallback(() => {
    setRefreshKey(k => k + 1);
    setRefreshedAt(new Date());
  }, []);
  useEffect(() => {
    if (!auto) return undefined;
    const timer = setInterval(refresh, refreshIntervalMs);
    return () => clearInterval(timer);
  }, [auto, refresh, refreshIntervalMs]);

  const list = clusters.value ?? [];
  const selected = list.find(c => c.name === params.get('cluster')) ?? list[0];

  let body;
  if (clusters.error) {
    body = (
      <LoadProblem error={clusters.error} title="Could not list the clusters" />
    );
  } else if (!clusters.value) {
    body = <Progress />;
  } else if (!selected) {
    body = (
      <EmptyState
        missing="data"
        title="No clusters are configured"
        description="Add clusterHealth.clusters (a name and its Prometheus URL) to the portal's app-config."
      />
    );
  } else {
    body = (
      <>
        <ContentHeader
          title={selected.title}
          description={`Cluster ${selected.name}`}
        >
          <Box
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            style={{ gap: 16 }}
          >
            {list.length > 1 && (
              <FormControl style={{ minWidth: 180 }}>
                <InputLabel id="cluster-health-cluster">Cluster</InputLabel>
                <Select
                  labelId="cluster-health-cluster"
                  data-testid="cluster-picker"
                  value={selected.name}
                  onChange={e => setParams({ cluster: String(e.target.value) })}
                >
                  {list.map(c => (
                    <MenuItem key={c.name} value={c.name}>
                      {c.title}
                    </MenuItem>
                  ))}
                </Select>
              </FormControl>
            )}
            <ButtonGroup size="small" aria-label="Chart range">
              {CLUSTER_HEALTH_RANGES.map(r => (
                <Button
                  key={r}
                  data-testid={`range-${r}`}
                  aria-pressed={r === range}
                  variant={r === range ? 'contained' : 'outlined'}
                  color="primary"
                  onClick={() => setRange(r)}
                >
                  {r}
                </Button>
              ))}
            </ButtonGroup>
            <FormControlLabel
              control={
                <Switch
                  checked={auto}
                  onChange={e => setAuto(e.target.checked)}
                  color="primary"
                />
              }
              label={`Refresh every ${Math.round(refreshIntervalMs / 1000)} s`}
            />
            <Button size="small" startIcon={<RefreshIcon />} onClick={refresh}>
              Refresh
            </Button>
            <Typography variant="body2" data-testid="refreshed-at">
              {auto ? `Updated ${refreshedAt.toLocaleTimeString()}` : 'Paused'}
            </Typography>
          </Box>
        </ContentHeader>
        <ClusterHealthView
          cluster={selected.name}
          range={range}
          refreshKey={refreshKey}
        />
      </>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Cluster health"
        subtitle="Nodes, control plane, capacity, desktops, storage and alerts from Prometheus"
      />
      <Content>
        <div data-testid="cluster-health-page">{body}</div>
      </Content>
    </Page>
  );
}
