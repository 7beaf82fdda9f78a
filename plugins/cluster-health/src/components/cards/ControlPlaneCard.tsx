import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import {
  Table as MuiTable,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@material-ui/core';
import { PropsWithChildren, ReactNode } from 'react';
import { bytes, count, formatValue, percent } from '../format';
import { PanelNotice } from '../PanelNotice';
import {
  absent,
  answers,
  NOT_AVAILABLE,
  Panels,
  samples,
  single,
} from './panels';

function Row(
  props: PropsWithChildren<{
    label: string;
    testId: string;
    /** The cluster lacks the metrics behind this row. */
    unavailable?: boolean;
  }>,
) {
  return (
    <TableRow data-testid={props.testId}>
      <TableCell component="th" scope="row">
        {props.label}
      </TableCell>
      <TableCell>
        {props.unavailable ? (
          <Typography color="textSecondary">{NOT_AVAILABLE}</Typography>
        ) : (
          props.children
        )}
      </TableCell>
    </TableRow>
  );
}

function level(
  value: number | undefined,
  warn: number,
  error: number,
  text: ReactNode,
) {
  if (value === undefined)
    return <Typography color="textSecondary">No data</Typography>;
  if (value >= error) return <StatusError>{text}</StatusError>;
  if (value >= warn) return <StatusWarning>{text}</StatusWarning>;
  return <StatusOK>{text}</StatusOK>;
}

/** The API servers and etcd. */
export function ControlPlaneCard({ panels }: { panels: Panels }) {
  const apiservers = samples(panels, 'apiserverUp');
  const apiUp = apiservers.filter(s => s.value === 1).length;
  const errorRate = single(panels, 'apiserverErrorRate');
  const byCode = samples(panels, 'apiserverRequestsByCode').sort((a, b) =>
    a.labels.code.localeCompare(b.labels.code),
  );
  const etcd = samples(panels, 'etcdHasLeader');
  const withLeader = etcd.filter(s => s.value === 1).length;
  const dbSizes = samples(panels, 'etcdDbSize').map(s => s.value);
  const leaderChanges = single(panels, 'etcdLeaderChanges');
  // No 5xx ratio only means no errors; no requests at all means no API
  // server metrics.
  const apiMissing =
    absent(panels, 'apiserverUp') && absent(panels, 'apiserverRequestsByCode');
  const etcdMissing =
    absent(panels, 'etcdHasLeader') && absent(panels, 'etcdDbSize');

  const notice = (
    <PanelNotice
      answers={answers(panels, [
        'apiserverUp',
        'apiserverErrorRate',
        'apiserverRequestsByCode',
        'etcdHasLeader',
        'etcdDbSize',
        'etcdLeaderChanges',
      ])}
    />
  );
  if (apiMissing && etcdMissing) {
    return (
      <div data-testid="cluster-control-plane">
        <InfoCard title="Control plane">
          {notice}
          <Typography
            color="textSecondary"
            data-testid="control-plane-not-available"
          >
            {NOT_AVAILABLE}: Prometheus has no API server or etcd metrics.
          </Typography>
        </InfoCard>
      </div>
    );
  }

  return (
    <div data-testid="cluster-control-plane">
      <InfoCard title="Control plane">
        {notice}
        <MuiTable size="small">
          <TableBody>
            <Row
              label="API servers up"
              testId="apiserver-up"
              unavailable={apiMissing}
            >
              {apiservers.length === 0
                ? level(undefined, 0, 0, '')
                : level(
                    apiservers.length - apiUp,
                    1,
                    apiservers.length,
                    `${apiUp}/${apiservers.length}`,
                  )}
            </Row>
            <Row
              label="API server 5xx ratio (5 min)"
              testId="apiserver-errors"
              unavailable={apiMissing}
            >
              {level(errorRate, 0.01, 0.05, percent(errorRate))}
            </Row>
            <Row
              label="API requests by code"
              testId="apiserver-codes"
              unavailable={apiMissing}
            >
              {byCode.length === 0
                ? '—'
                : byCode
                    .map(
                      s =>
                        `${s.labels.code}: ${formatValue(
                          s.value,
                          'perSecond',
                        )}`,
                    )
                    .join(' · ')}
            </Row>
            <Row
              label="etcd members with a leader"
              testId="etcd-leader"
              unavailable={etcdMissing}
            >
              {etcd.length === 0
                ? level(undefined, 0, 0, '')
                : level(
                    etcd.length - withLeader,
                    1,
                    1,
                    `${withLeader}/${etcd.length}`,
                  )}
            </Row>
            <Row
              label="etcd leader changes (1 h)"
              testId="etcd-leader-changes"
              unavailable={etcdMissing}
            >
              {level(
                leaderChanges,
                1,
                3,
                count(
                  leaderChanges === undefined
                    ? undefined
                    : Math.round(leaderChanges),
                ),
              )}
            </Row>
            <Row
              label="etcd database size"
              testId="etcd-db-size"
              unavailable={etcdMissing}
            >
              {dbSizes.length ? bytes(Math.max(...dbSizes)) : '—'}
            </Row>
          </TableBody>
        </MuiTable>
      </InfoCard>
    </div>
  );
}
