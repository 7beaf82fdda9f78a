import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import {
  Table as MuiTable,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { InstantPanelName } from '@desktop-mania/plugin-cluster-health-common';
import { ReactNode } from 'react';
import { PanelNotice } from '../PanelNotice';
import { absent, answers, NOT_AVAILABLE, Panels, samples, sum } from './panels';

const GOOD = ['running', 'succeeded'];
const BAD = ['failed', 'unknown'];

function statusFor(phase: string, children: ReactNode) {
  const p = phase.toLocaleLowerCase('en-US');
  if (GOOD.includes(p)) return <StatusOK>{children}</StatusOK>;
  if (BAD.includes(p)) return <StatusError>{children}</StatusError>;
  if (p === 'stopped') return <StatusPending>{children}</StatusPending>;
  return <StatusWarning>{children}</StatusWarning>;
}

/** Counts by phase: pods, KubeVirt VMIs or desktops. */
export function PhaseCountsCard(props: {
  panels: Panels;
  panel: InstantPanelName;
  title: string;
  testId: string;
  footer?: ReactNode;
  extra?: InstantPanelName[];
  /**
   * Whether an empty answer means the cluster lacks these metrics rather
   * than that there is nothing to count. Default: it means nothing to count.
   */
  emptyMeansUnavailable?: boolean;
}) {
  const rows = samples(props.panels, props.panel)
    .filter(s => s.value > 0)
    .sort((a, b) => b.value - a.value);
  return (
    <div data-testid={props.testId}>
      <InfoCard title={props.title}>
        <PanelNotice
          answers={answers(props.panels, [props.panel, ...(props.extra ?? [])])}
        />
        {rows.length === 0 ? (
          <Typography color="textSecondary">
            {props.emptyMeansUnavailable && absent(props.panels, props.panel)
              ? NOT_AVAILABLE
              : 'None'}
          </Typography>
        ) : (
          <MuiTable size="small">
            <TableBody>
              {rows.map(s => (
                <TableRow key={s.labels.phase ?? 'all'}>
                  <TableCell>
                    {statusFor(s.labels.phase ?? '', s.labels.phase ?? 'all')}
                  </TableCell>
                  <TableCell align="right">{s.value}</TableCell>
                </TableRow>
              ))}
              <TableRow>
                <TableCell>
                  <strong>Total</strong>
                </TableCell>
                <TableCell align="right">
                  <strong>{sum(rows)}</strong>
                </TableCell>
              </TableRow>
            </TableBody>
          </MuiTable>
        )}
        {props.footer}
      </InfoCard>
    </div>
  );
}
