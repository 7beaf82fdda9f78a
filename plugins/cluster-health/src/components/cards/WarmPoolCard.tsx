import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { clusterHealthApiRef } from '../../api';
import { clock, count } from '../format';
import { messageOf } from '../Problem';
import { useRefreshing } from '../useRefreshing';
import type { WarmPoolAnswer } from './warmPool';

type Pool = WarmPoolAnswer['pools'][number];

function readiness(pool: Pool) {
  const text = `${count(pool.ready)} of ${count(pool.target)}`;
  if (pool.target > 0 && pool.ready === 0)
    return <StatusError>{text}</StatusError>;
  if (pool.ready < pool.target) return <StatusWarning>{text}</StatusWarning>;
  return <StatusOK>{text}</StatusOK>;
}

const HEADINGS = [
  'Image',
  'Size',
  'Ready',
  'Preparing',
  'Claims, last hour',
  'Misses, last hour',
];

/**
 * KubeVirt warm pools: ready-to-claim desktops per image and size, and how
 * often orders took one or found the pool empty. Shown only when the
 * backend answers for pools (an API without `getWarmPool` shows nothing).
 */
export function WarmPoolCard(props: { cluster: string; refreshKey: number }) {
  const api = useApi(clusterHealthApiRef);
  const answer = useRefreshing(
    () =>
      api.getWarmPool
        ? api.getWarmPool(props.cluster)
        : Promise.resolve(undefined),
    [props.cluster],
    props.refreshKey,
  );
  if (!api.getWarmPool) return null;
  const pools = answer.value?.pools ?? [];
  return (
    <div data-testid="cluster-warm-pool">
      <InfoCard title="Warm pool">
        {answer.error && (
          <Alert severity="error" style={{ marginBottom: 8 }}>
            Could not read the warm pool: {messageOf(answer.error)}
          </Alert>
        )}
        {answer.value?.stale && (
          <Alert severity="warning" style={{ marginBottom: 8 }}>
            Prometheus did not answer just now ({answer.value.error}); figures
            from {clock(answer.value.fetchedAt)}.
          </Alert>
        )}
        {answer.value && pools.length === 0 ? (
          <Typography color="textSecondary">
            No warm pool reports for this cluster: none is configured
            (workspaces.kubevirt.clusters[].warmPool), or Prometheus does not
            scrape the portal's /api/workspaces/kubevirt/warm-pool/metrics.
          </Typography>
        ) : (
          pools.length > 0 && (
            <Table size="small">
              <TableHead>
                <TableRow>
                  {HEADINGS.map(h => (
                    <TableCell key={h}>{h}</TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {pools.map(p => (
                  <TableRow key={`${p.image}/${p.size}`}>
                    <TableCell>{p.image}</TableCell>
                    <TableCell>{p.size}</TableCell>
                    <TableCell>{readiness(p)}</TableCell>
                    <TableCell>{count(p.preparing)}</TableCell>
                    <TableCell>{count(p.claimsLastHour)}</TableCell>
                    <TableCell>
                      {p.missesLastHour > 0 ? (
                        <StatusWarning>{count(p.missesLastHour)}</StatusWarning>
                      ) : (
                        count(p.missesLastHour)
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )
        )}
      </InfoCard>
    </div>
  );
}
