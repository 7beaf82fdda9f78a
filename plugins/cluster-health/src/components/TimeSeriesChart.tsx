import { useEffect, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ClusterHealthRange, PanelResult, RangeSeries } from '@desktop-mania/plugin-cluster-health-common';
import { clusterHealthApiRef } from '../api';
import { formatValue } from './format';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];

/** One named range panel as a line chart. */
export function TimeSeriesChart(props: { cluster: string; panel: string; range: ClusterHealthRange; refreshKey: number }) {
  const api = useApi(clusterHealthApiRef);
  const [result, setResult] = useState<PanelResult<RangeSeries[]>>();
  const [error, setError] = useState<Error>();

  useEffect(() => {
    let cancelled = false;
    api.getChart(props.cluster, props.panel, props.range).then(
      r => {
        if (cancelled) return;
        setResult(r);
        setError(undefined);
      },
      e => {
        if (!cancelled) setError(e);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, props.cluster, props.panel, props.range, props.refreshKey]);

  const rows = new Map<number, Record<string, number>>();
  (result?.data ?? []).forEach((series, i) => {
    for (const [t, v] of series.points) rows.set(t, { ...(rows.get(t) ?? { t }), [`s${i}`]: v });
  });
  const data = [...rows.values()].sort((a, b) => a.t - b.t);

  return (
    <InfoCard title={result?.title ?? props.panel} noPadding={false}>
      {error && <Alert severity="error">{error.message}</Alert>}
      {result?.stale && <Alert severity="warning">Prometheus failed ({result.error}); showing data from {new Date(result.fetchedAt).toLocaleTimeString()}</Alert>}
      {!result && !error && <Progress />}
      {result && data.length === 0 && <Typography color="textSecondary">No data in this range</Typography>}
      {data.length > 0 && (
        <div style={{ height: 220 }} data-testid={`chart-${props.panel}`}>
          <ResponsiveContainer>
            <LineChart data={data}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="t" tickFormatter={t => new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} minTickGap={40} />
              <YAxis tickFormatter={v => formatValue(v, result?.unit)} width={70} />
              <Tooltip labelFormatter={t => new Date(Number(t) * 1000).toLocaleString()} formatter={(v: any) => formatValue(Number(v), result?.unit)} />
              {(result?.data ?? []).map((_s, i) => (
                <Line key={i} type="monotone" dataKey={`s${i}`} dot={false} stroke={COLOURS[i % COLOURS.length]} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </InfoCard>
  );
}
