import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { Box, Chip, LinearProgress, Typography } from '@material-ui/core';
import { bytes, percent } from '../format';
import { PanelNotice } from '../PanelNotice';
import {
  absent,
  answers,
  NOT_AVAILABLE,
  Panels,
  samples,
  single,
  sum,
} from './panels';

// Longhorn up to 1.10 reports numeric codes; 1.11 names them.
const ROBUSTNESS: Record<string, string> = {
  '0': 'unknown',
  '1': 'healthy',
  '2': 'degraded',
  '3': 'faulted',
};
const STATES: Record<string, string> = {
  '1': 'creating',
  '2': 'attached',
  '3': 'detached',
  '4': 'attaching',
  '5': 'detaching',
  '6': 'deleting',
};

function Robustness({ state, children }: { state: string; children: string }) {
  if (state === 'healthy') return <StatusOK>{children}</StatusOK>;
  if (state === 'degraded') return <StatusWarning>{children}</StatusWarning>;
  if (state === 'faulted') return <StatusError>{children}</StatusError>;
  return <StatusPending>{children}</StatusPending>;
}

/** Longhorn: storage used on the nodes, volume sizes, volume health and state. */
export function StorageCard({ panels }: { panels: Panels }) {
  const notice = (
    <PanelNotice
      answers={answers(panels, [
        'longhornNodeCapacity',
        'longhornNodeUsage',
        'longhornVolumeRobustness',
        'longhornVolumeState',
        'longhornUnhealthyVolumes',
        'longhornVolumeCapacity',
        'longhornVolumeActualSize',
      ])}
    />
  );
  // Longhorn reports its nodes' storage as long as it runs, volumes or not.
  if (
    absent(panels, 'longhornNodeCapacity') &&
    absent(panels, 'longhornVolumeRobustness')
  ) {
    return (
      <div data-testid="cluster-storage">
        <InfoCard title="Longhorn storage">
          {notice}
          <Typography
            color="textSecondary"
            data-testid="longhorn-not-available"
          >
            {NOT_AVAILABLE}: Prometheus has no Longhorn metrics.
          </Typography>
        </InfoCard>
      </div>
    );
  }
  const capacity = sum(samples(panels, 'longhornNodeCapacity'));
  const used = sum(samples(panels, 'longhornNodeUsage'));
  const hasCapacity = samples(panels, 'longhornNodeCapacity').length > 0;
  const robustness = samples(panels, 'longhornVolumeRobustness')
    .map(s => ({
      state: ROBUSTNESS[s.labels.state] ?? s.labels.state,
      value: s.value,
    }))
    .filter(s => s.value > 0);
  const states = samples(panels, 'longhornVolumeState')
    .map(s => ({
      state: STATES[s.labels.state] ?? s.labels.state,
      value: s.value,
    }))
    .filter(s => s.value > 0);
  const unhealthy = samples(panels, 'longhornUnhealthyVolumes').map(s => ({
    name:
      s.labels.pvc_namespace && s.labels.pvc
        ? `${s.labels.pvc_namespace}/${s.labels.pvc}`
        : s.labels.volume,
    volume: s.labels.volume,
    state: s.labels.state ?? ROBUSTNESS[String(s.value)] ?? String(s.value),
  }));
  const provisioned = single(panels, 'longhornVolumeCapacity');
  const actual = single(panels, 'longhornVolumeActualSize');

  return (
    <div data-testid="cluster-storage">
      <InfoCard title="Longhorn storage">
        {notice}
        <Typography data-testid="longhorn-usage">
          {hasCapacity
            ? `${bytes(used)} used of ${bytes(capacity)} (${percent(
                capacity ? used / capacity : undefined,
              )})`
            : 'No Longhorn node data'}
        </Typography>
        <LinearProgress
          aria-label="Longhorn storage used"
          variant="determinate"
          value={capacity ? Math.min(100, (used / capacity) * 100) : 0}
        />
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ marginTop: 8 }}
          data-testid="longhorn-volumes-size"
        >
          Volumes: {bytes(provisioned)} provisioned, {bytes(actual)} written
        </Typography>
        <Box mt={2} data-testid="longhorn-robustness">
          <Typography variant="subtitle2">Volumes by robustness</Typography>
          {robustness.length === 0 ? (
            <Typography color="textSecondary">No volumes</Typography>
          ) : (
            robustness.map(r => (
              <Box key={r.state} component="span" mr={2}>
                <Robustness
                  state={r.state}
                >{`${r.state}: ${r.value}`}</Robustness>
              </Box>
            ))
          )}
        </Box>
        <Box mt={1} data-testid="longhorn-states">
          <Typography variant="subtitle2">Volumes by state</Typography>
          {states.map(s => (
            <Chip
              key={s.state}
              size="small"
              label={`${s.state}: ${s.value}`}
              style={{ margin: 2 }}
            />
          ))}
        </Box>
        {unhealthy.length > 0 && (
          <Box mt={1} data-testid="longhorn-unhealthy">
            <Typography variant="subtitle2">
              Volumes that need attention
            </Typography>
            {unhealthy.map(v => (
              <Box key={v.volume}>
                <Robustness
                  state={v.state}
                >{`${v.name}: ${v.state}`}</Robustness>
              </Box>
            ))}
          </Box>
        )}
      </InfoCard>
    </div>
  );
}
