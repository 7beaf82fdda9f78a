import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Typography } from '@material-ui/core';
import type {
  ClusterHealthRange,
  RangePanelName,
  RangeSeries,
} from '@desktop-mania/plugin-cluster-health-common';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { clusterHealthApiRef } from '../api';
import { NOT_AVAILABLE } from './cards/panels';
import { formatValue } from './format';
import { PanelNotice } from './PanelNotice';
import { LoadProblem } from './Problem';
import { useRefreshing } from './useRefreshing';

const COLOURS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
];

/** Names each series by the labels that tell it apart from the others. */
export function seriesNames(series: RangeSeries[], fallback: string): string[] {
  const keys = [...new Set(series.flatMap(s => Object.keys(s.labels)))].filter(
    key => new Set(series.map(s => s.labels[key])).size > 1,
  );
  // node-exporter's host name says more than its scrape address.
  const shown = keys.includes('nodename')
    ? keys.filter(k => k !== 'instance')
    : keys;
  return series.map(s =>
    shown.length ? shown.map(k => s.labels[k] ?? '').join(' ') : fallback,
  );
}

function tick(range: ClusterHealthRange) {
  return (t: number) => {
    const d = new Date(t * 1000);
    return range === '7d'
      ? d.toLocaleDateString([], { weekday: 'short', day: 'numeric' })
      : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  };
}

/** One named range panel as a line chart, one line per series. */
export function TimeSeriesChart(props: {
  cluster: string;
  panel: RangePanelName;
  range: ClusterHealthRange;
  refreshKey: number;
  /** The cluster lacks the metrics behind this chart: an empty answer says so. */
  unavailable?: boolean;
}) {
  const { cluster, panel, range, refreshKey, unavailable } = props;
  const api = useApi(clusterHealthApiRef);
  const {
    value: answer,
    error,
    loading,
  } = useRefreshing(
    () => api.getChart(cluster, panel, range),
    [cluster, panel, range],
    refreshKey,
  );

  const series = answer?.data ?? [];
  const names = seriesNames(series, answer?.title ?? panel);
  const rows = new Map<number, Record<string, number>>();
  series.forEach((s, i) => {
    for (const [t, v] of s.points)
      rows.set(t, { ...(rows.get(t) ?? { t }), [`s${i}`]: v });
  });
  const data = [...rows.values()].sort((a, b) => a.t - b.t);

  return (
    <div data-testid={`chart-card-${panel}`}>
      <InfoCard title={answer?.title ?? 'Chart'} subheader={`Last ${range}`}>
        {error && (
          <LoadProblem
            error={error}
            title="Could not draw this chart"
            compact
          />
        )}
        <PanelNotice answers={[answer]} />
        {loading && !answer && <Progress />}
        {answer && data.length === 0 && (
          <Typography color="textSecondary">
            {unavailable ? NOT_AVAILABLE : 'No data in this range'}
          </Typography>
        )}
        {data.length > 0 && (
          <div style={{ height: 240 }} data-testid={`chart-${panel}`}>
            <ResponsiveContainer>
              <LineChart data={data}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="t"
                  type="number"
                  domain={['dataMin', 'dataMax']}
                  tickFormatter={tick(range)}
                  minTickGap={40}
                />
                <YAxis
                  tickFormatter={v => formatValue(v, answer?.unit)}
                  width={80}
                />
                <Tooltip
                  labelFormatter={t =>
                    new Date(Number(t) * 1000).toLocaleString()
                  }
                  formatter={(v: unknown) =>
                    formatValue(Number(v), answer?.unit)
                  }
                />
                {series.length > 1 && <Legend />}
                {series.map((_s, i) => (
                  <Line
                    key={names[i] + i}
                    name={names[i]}
                    type="monotone"
                    dataKey={`s${i}`}
                    dot={false}
                    stroke={COLOURS[i % COLOURS.length]}
                    isAnimationActive={false}
                    connectNulls
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </div>
        )}
      </InfoCard>
    </div>
  );
}
