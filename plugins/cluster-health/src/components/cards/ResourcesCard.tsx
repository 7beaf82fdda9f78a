import { InfoCard } from '@backstage/core-components';
import {
  Box,
  LinearProgress,
  Table as MuiTable,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { percent } from '../format';
import { PanelNotice } from '../PanelNotice';
import { answers, Panels, samples, single } from './panels';

function Usage(props: { value?: number; label?: string; testId?: string }) {
  const { value } = props;
  return (
    <Box minWidth={90} data-testid={props.testId}>
      <Typography variant="body2">
        {props.label ? `${props.label}: ` : ''}
        {percent(value)}
      </Typography>
      <LinearProgress
        aria-label={`${props.label ?? 'Use'} ${percent(value)}`}
        variant="determinate"
        value={value === undefined ? 0 : Math.min(100, value * 100)}
        color={value !== undefined && value > 0.85 ? 'secondary' : 'primary'}
      />
    </Box>
  );
}

/** CPU, memory and disk from node-exporter, for the cluster and per node. */
export function ResourcesCard({ panels }: { panels: Panels }) {
  const nodes = new Map<
    string,
    { cpu?: number; memory?: number; disk?: number }
  >();
  const put = (
    name: 'nodeCpu' | 'nodeMemory' | 'nodeDisk',
    key: 'cpu' | 'memory' | 'disk',
  ) => {
    for (const s of samples(panels, name)) {
      const node = s.labels.nodename ?? s.labels.instance;
      nodes.set(node, { ...nodes.get(node), [key]: s.value });
    }
  };
  put('nodeCpu', 'cpu');
  put('nodeMemory', 'memory');
  put('nodeDisk', 'disk');
  const rows = [...nodes].sort(([a], [b]) => a.localeCompare(b));

  return (
    <div data-testid="cluster-resources">
      <InfoCard title="CPU, memory and disk">
        <PanelNotice
          answers={answers(panels, [
            'clusterCpu',
            'clusterMemory',
            'clusterDisk',
            'nodeCpu',
            'nodeMemory',
            'nodeDisk',
          ])}
        />
        <Box display="flex" style={{ gap: 24 }} mb={2}>
          <Usage
            label="CPU"
            value={single(panels, 'clusterCpu')}
            testId="total-cpu"
          />
          <Usage
            label="Memory"
            value={single(panels, 'clusterMemory')}
            testId="total-memory"
          />
          <Usage
            label="Disk"
            value={single(panels, 'clusterDisk')}
            testId="total-disk"
          />
        </Box>
        {rows.length === 0 ? (
          <Typography color="textSecondary">No node-exporter data</Typography>
        ) : (
          <MuiTable size="small">
            <TableHead>
              <TableRow>
                <TableCell>Node</TableCell>
                <TableCell>CPU</TableCell>
                <TableCell>Memory</TableCell>
                <TableCell>Disk</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(([node, use]) => (
                <TableRow key={node} data-testid={`node-resources-${node}`}>
                  <TableCell>{node}</TableCell>
                  <TableCell>
                    <Usage value={use.cpu} />
                  </TableCell>
                  <TableCell>
                    <Usage value={use.memory} />
                  </TableCell>
                  <TableCell>
                    <Usage value={use.disk} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </MuiTable>
        )}
      </InfoCard>
    </div>
  );
}
