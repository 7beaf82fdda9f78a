import { Tooltip, Typography, makeStyles } from '@material-ui/core';
import type { ConsoleTelemetry } from './useConsoleTelemetry';

export type ConnectionQuality = 'good' | 'fair' | 'poor' | 'unknown';

const COLOURS: Record<ConnectionQuality, string> = {
  good: '#2e7d32',
  fair: '#ed6c02',
  poor: '#d32f2f',
  unknown: '#9e9e9e',
};

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.75),
    whiteSpace: 'nowrap',
    fontVariantNumeric: 'tabular-nums',
  },
  dot: {
    width: 10,
    height: 10,
    borderRadius: '50%',
    flex: 'none',
  },
}));

/**
 * The round trip decides: a desktop that shows nothing new sends no frames
 * and few bytes however good the line is.
 */
export function qualityOf(latencyMs?: number): ConnectionQuality {
  if (latencyMs === undefined) return 'unknown';
  if (latencyMs < 100) return 'good';
  if (latencyMs < 250) return 'fair';
  return 'poor';
}

export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond < 1000) return `${Math.round(bytesPerSecond)} B/s`;
  if (bytesPerSecond < 1_000_000)
    return `${(bytesPerSecond / 1000).toFixed(
      bytesPerSecond < 10_000 ? 1 : 0,
    )} kB/s`;
  return `${(bytesPerSecond / 1_000_000).toFixed(1)} MB/s`;
}

/** Latency, frames and bandwidth as measured over the last second. */
export function ConnectionIndicator(props: { telemetry: ConsoleTelemetry }) {
  const { latencyMs, fps, bytesPerSecond } = props.telemetry;
  const classes = useStyles();
  if (latencyMs === undefined && bytesPerSecond === undefined) return null;
  const quality = qualityOf(latencyMs);
  const latency =
    latencyMs === undefined ? undefined : `${Math.round(latencyMs)} ms`;
  const frames = fps === undefined ? undefined : `${Math.round(fps)} fps`;
  const rate =
    bytesPerSecond === undefined ? undefined : formatRate(bytesPerSecond);
  const label = [
    `Connection ${quality === 'unknown' ? 'being measured' : quality}`,
    latency && `round trip ${latency}`,
    frames && `${Math.round(fps!)} frames per second`,
    rate && `${rate} received`,
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <Tooltip title="Round trip to the portal, screen updates per second and data received per second, measured over the last second">
      <Typography
        variant="body2"
        component="span"
        className={classes.root}
        data-testid="desktop-console-connection"
        data-quality={quality}
        aria-label={label}
        role="img"
      >
        <span
          className={classes.dot}
          style={{ background: COLOURS[quality] }}
        />
        <span aria-hidden>
          {[latency, frames, rate].filter(Boolean).join(' · ')}
        </span>
      </Typography>
    </Tooltip>
  );
}
