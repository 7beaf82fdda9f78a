import {
  InfoCard,
  Progress,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Table as MuiTable,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@material-ui/core';
import { clusterHealthApiRef } from '../api';
import { CLUSTER_HEALTH_ANNOTATION } from '../filters';
import { rootRouteRef } from '../routes';
import { absent, NOT_AVAILABLE, samples, single, sum } from './cards/panels';
import { percent } from './format';
import { PanelNotice } from './PanelNotice';
import { LoadProblem, statusOf } from './Problem';
import { useRefreshing } from './useRefreshing';

/** A summary of a cluster's health on its Resource entity page. */
export function ClusterHealthCard() {
  const { entity } = useEntity();
  const cluster =
    entity.metadata.annotations?.[CLUSTER_HEALTH_ANNOTATION] ?? '';
  const api = useApi(clusterHealthApiRef);
  const pageLink = useRouteRef(rootRouteRef);
  const overview = useRefreshing(() => api.getOverview(cluster), [cluster], 0);
  const alerts = useRefreshing(() => api.getAlerts(cluster), [cluster], 0);
  const link = pageLink?.();

  let body;
  if (overview.error && statusOf(overview.error) === 404) {
    body = (
      <Typography data-testid="cluster-not-configured">
        The portal has no cluster named '{cluster}' in clusterHealth.clusters.
      </Typography>
    );
  } else if (overview.error) {
    body = (
      <LoadProblem
        error={overview.error}
        title="Could not read the cluster's health"
        compact
      />
    );
  } else if (!overview.value) {
    body = <Progress />;
  } else {
    const panels = overview.value.panels;
    const nodes = samples(panels, 'nodesReady');
    const ready = nodes.filter(n => n.value === 1).length;
    const firing = alerts.value?.data ?? [];
    const critical = firing.filter(a => a.severity === 'critical').length;
    const robustness = samples(panels, 'longhornUnhealthyVolumes').length;
    // A single machine has no kube-state-metrics and no Longhorn.
    const noNodes = absent(panels, 'nodesReady');
    const noLonghorn =
      absent(panels, 'longhornNodeCapacity') &&
      absent(panels, 'longhornVolumeRobustness');
    body = (
      <>
        <PanelNotice
          answers={[
            panels.nodesReady,
            panels.desktopsByPhase,
            panels.clusterCpu,
            panels.clusterMemory,
            alerts.value,
          ]}
        />
        <MuiTable size="small">
          <TableBody>
            <TableRow>
              {noNodes ? (
                <TableCell colSpan={2}>Nodes: {NOT_AVAILABLE}</TableCell>
              ) : (
                <>
                  <TableCell>
                    Nodes ready: {`${ready}/${nodes.length}`}
                  </TableCell>
                  <TableCell>
                    {nodes.length > 0 && ready === nodes.length ? (
                      <StatusOK>ready</StatusOK>
                    ) : (
                      <StatusWarning>not all ready</StatusWarning>
                    )}
                  </TableCell>
                </>
              )}
            </TableRow>
            <TableRow>
              <TableCell>
                Firing alerts: {alerts.value ? firing.length : '—'}
              </TableCell>
              <TableCell>
                {alerts.error && (
                  <LoadProblem error={alerts.error} title="Alerts" compact />
                )}
                {alerts.value &&
                  (critical > 0 ? (
                    <StatusError>{critical} critical</StatusError>
                  ) : (
                    <StatusOK>none critical</StatusOK>
                  ))}
              </TableCell>
            </TableRow>
            <TableRow>
              <TableCell>
                Desktops: {sum(samples(panels, 'desktopsByPhase'))}
              </TableCell>
              <TableCell>{`${sum(
                samples(panels, 'desktopsByPhase').filter(
                  s => s.labels.phase === 'Running',
                ),
              )} running`}</TableCell>
            </TableRow>
            <TableRow>
              <TableCell>CPU {percent(single(panels, 'clusterCpu'))}</TableCell>
              <TableCell>
                Memory {percent(single(panels, 'clusterMemory'))}
              </TableCell>
            </TableRow>
            <TableRow>
              {noLonghorn ? (
                <TableCell colSpan={2}>Longhorn: {NOT_AVAILABLE}</TableCell>
              ) : (
                <>
                  <TableCell>
                    Longhorn volumes not healthy: {robustness}
                  </TableCell>
                  <TableCell>
                    {robustness === 0 ? (
                      <StatusOK>healthy</StatusOK>
                    ) : (
                      <StatusWarning>need attention</StatusWarning>
                    )}
                  </TableCell>
                </>
              )}
            </TableRow>
          </TableBody>
        </MuiTable>
      </>
    );
  }

  return (
    <InfoCard
      title="Cluster health"
      subheader={cluster}
      deepLink={
        link
          ? {
              title: 'Open cluster health',
              link: `${link}?${new URLSearchParams({ cluster })}`,
            }
          : undefined
      }
    >
      <div data-testid="cluster-health-card">{body}</div>
    </InfoCard>
  );
}
