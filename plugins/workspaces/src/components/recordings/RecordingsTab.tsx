import { useEffect, useState } from 'react';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import type { RecordingSummary } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { recordingRouteRef } from '../../routes';
import { formatBytes } from '../files/files';
import { snapshotTime } from '../snapshots/RestoreSnapshotDialog';
import { actorName, formatDuration } from './format';

const isForbidden = (e: Error) =>
  e.name === 'NotAllowedError' ||
  (e as { response?: { status?: number } }).response?.status === 403;

/**
 * The Recordings tab of a Workspace entity: one row per recorded console
 * session (who, when, how long, how large, whether it was cut short), each
 * opening its playback. Admins and the desktop's owner only.
 */
export function RecordingsTab() {
  const { entity } = useEntity();
  const name = entity.metadata.name;
  const api = useApi(workspacesApiRef);
  const recordingLink = useRouteRef(recordingRouteRef);
  const [items, setItems] = useState<RecordingSummary[]>();
  const [error, setError] = useState<Error>();

  useEffect(() => {
    let current = true;
    api.listRecordings(name).then(
      list => current && setItems(list.items),
      e => current && setError(e as Error),
    );
    return () => {
      current = false;
    };
  }, [api, name]);

  if (error && isForbidden(error)) {
    return (
      <EmptyState
        missing="info"
        title="Recordings are for admins and the desktop's owner"
        description="Ask the owner of this desktop if you need to see a session."
      />
    );
  }
  if (error) {
    return (
      <ResponseErrorPanel error={error} title="Could not load recordings" />
    );
  }
  if (!items) return <Progress />;

  const columns: TableColumn<RecordingSummary>[] = [
    {
      title: 'Session started',
      render: r => {
        const when = snapshotTime(r.startedAt);
        return recordingLink ? (
          <Link to={recordingLink({ name, id: r.id })}>{when}</Link>
        ) : (
          when
        );
      },
    },
    { title: 'Who', render: r => actorName(r.actor) },
    {
      title: 'Duration',
      render: r =>
        r.endedAt ? formatDuration(r.durationMs ?? 0) : 'In progress',
    },
    { title: 'Size', render: r => formatBytes(r.bytes) },
    {
      title: 'Complete',
      render: r =>
        r.truncated ? 'Cut short at the size limit' : 'Whole session',
    },
  ];

  return (
    <Table
      title={`Recorded sessions (${items.length})`}
      options={{ paging: items.length > 20, pageSize: 20, search: false }}
      columns={columns}
      data={items}
      emptyContent={
        <Box p={2}>
          <Typography>
            No sessions of this desktop were recorded. Sessions are recorded
            only where the portal's configuration asks for it.
          </Typography>
        </Box>
      }
    />
  );
}
