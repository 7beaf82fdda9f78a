import { useEffect, useState } from 'react';
import { InfoCard, Link, Progress, StatusError, StatusOK, StatusWarning } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Typography } from '@material-ui/core';
import type { ClusterAlert, ClusterOverview, PanelResult } from '@desktop-mania/plugin-cluster-health-common';
import { clusterHealthApiRef } from '../api';

export const ANNOTATION_CLUSTER_HEALTH = 'desktopmania.io/cluster-health';

/** A summary of a cluster's health on its Resource entity page. */
export function ClusterHealthCard() {
  const { entity } = useEntity();
  const cluster = entity.metadata.annotations?.[ANNOTATION_CLUSTER_HEALTH] ?? '';
  const api = useApi(clusterHealthApiRef);
  const [overview, setOverview] = useState<ClusterOverview>();
  const [alerts, setAlerts] = useState<PanelResult<ClusterAlert[]>>();
  const [error, setError] = useState<Error>();

  useEffect(() => {
    api.getOverview(cluster).then(setOverview, setError);
    api.getAlerts(cluster).then(setAlerts, () => undefined);
  }, [api, cluster]);

  const values = (name: string) => ((overview?.panels[name] as any)?.data ?? []) as Array<{ value: number }>;
  const nodes = values('nodesReady');
  const ready = nodes.filter(n => n.value === 1).length;
  const critical = alerts?.data.filter(a => a.severity === 'critical').length ?? 0;
  return (
    <InfoCard title="Cluster health" deepLink={{ title: 'Open cluster health', link: '/cluster-health' }}>
      {error && <Typography color="error">{(error as any).statusCode === 403 ? 'Cluster health is for platform owners' : error.message}</Typography>}
      {!overview && !error && <Progress />}
      {overview && (
        <>
          <Typography>
            Nodes ready: {ready}/{nodes.length} {ready === nodes.length ? <StatusOK /> : <StatusWarning />}
          </Typography>
          <Typography>
            Firing alerts: {alerts?.data.length ?? '—'} {critical ? <StatusError>{critical} critical</StatusError> : <StatusOK />}
          </Typography>
          <Typography>Desktops: {values('desktopsByPhase').reduce((a, s) => a + s.value, 0)}</Typography>
          <Link to="/cluster-health">Details</Link>
        </>
      )}
    </InfoCard>
  );
}
