import { useCallback, useEffect, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Box,
  Button,
  Switch,
  TextField,
  Tooltip,
  Typography,
} from '@material-ui/core';
import {
  SNAPSHOT_NAME_PATTERN,
  SNAPSHOT_NAME_RULE,
  workspaceLifecyclePermission,
  type WorkspaceSnapshot,
  type WorkspaceSnapshotList,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { RestoreSnapshotDialog, snapshotTime } from './RestoreSnapshotDialog';

const STATES: Record<WorkspaceSnapshot['state'], string> = {
  'in-progress': 'Being taken',
  ready: 'Ready',
  restoring: 'Restoring',
  failed: 'Failed',
};

/**
 * The Snapshots tab of a Workspace entity: the desktop's named snapshots,
 * taking one, restoring, deleting, and keeping one past the desktop's
 * deletion.
 */
export function SnapshotsTab() {
  const { entity } = useEntity();
  const name = entity.metadata.name;
  const api = useApi(workspacesApiRef);
  const alertApi = useApi(alertApiRef);
  const lifecycle = usePermission({
    permission: workspaceLifecyclePermission,
    resourceRef: name,
  });
  const [list, setList] = useState<WorkspaceSnapshotList>();
  const [error, setError] = useState<Error>();
  const [newName, setNewName] = useState('');
  const [busy, setBusy] = useState<string>();
  const [restoring, setRestoring] = useState<WorkspaceSnapshot>();

  const load = useCallback(async () => {
    try {
      setList(await api.listSnapshots(name));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, name]);
  useEffect(() => {
    load();
  }, [load]);

  const act = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(what);
    try {
      await fn();
      alertApi.post({
        message: what,
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      alertApi.post({
        message: `Could not ${what.toLowerCase()}: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setBusy(undefined);
      await load();
    }
  };

  if (error && !list) {
    return (
      <ResponseErrorPanel error={error} title="Could not load snapshots" />
    );
  }
  if (!list) return <Progress />;
  if (!list.supported) {
    return (
      <EmptyState
        missing="info"
        title="Snapshots are not available for this desktop"
        description="The cluster this desktop runs on cannot take snapshots of it."
      />
    );
  }

  const nameValid = SNAPSHOT_NAME_PATTERN.test(newName);
  const full = list.items.length >= list.max;
  const may = lifecycle.allowed;
  const stoppedNote = [
    list.requiresStopped.take && 'taken',
    list.requiresStopped.restore && 'restored',
  ].filter(Boolean);

  const columns: TableColumn<WorkspaceSnapshot>[] = [
    { title: 'Name', field: 'name' },
    {
      title: 'Taken',
      render: s =>
        `${snapshotTime(s.createdAt)} by ${s.createdBy.replace(
          /^user:(default\/)?/,
          '',
        )}`,
    },
    {
      title: 'State',
      render: s =>
        s.message ? `${STATES[s.state]}: ${s.message}` : STATES[s.state],
    },
    {
      title: 'Keep',
      render: s => (
        <Tooltip title="A kept snapshot stays when the desktop is deleted">
          <Switch
            checked={s.keep}
            disabled={!may || !!busy}
            inputProps={{ 'aria-label': `Keep ${s.name}` }}
            onChange={(_e, keep) =>
              act(keep ? `Kept ${s.name}` : `${s.name} no longer kept`, () =>
                api.keepSnapshot(name, s.name, keep),
              )
            }
          />
        </Tooltip>
      ),
    },
    {
      title: 'Actions',
      render: s => (
        <>
          <Button
            size="small"
            disabled={!may || !!busy || s.state !== 'ready'}
            onClick={() => setRestoring(s)}
          >
            Restore
          </Button>
          <Button
            size="small"
            disabled={!may || !!busy}
            onClick={() =>
              act(`Deleted ${s.name}`, () => api.deleteSnapshot(name, s.name))
            }
          >
            Delete
          </Button>
        </>
      ),
    },
  ];

  return (
    <>
      <InfoCard title="Take a snapshot">
        {stoppedNote.length > 0 && (
          <Typography variant="body2" paragraph>
            On this desktop's cluster a snapshot is {stoppedNote.join(' and ')}{' '}
            only while the desktop is stopped: stop it first.
          </Typography>
        )}
        <Box display="flex" alignItems="flex-start" style={{ gap: 16 }}>
          <TextField
            id="snapshot-name"
            label="Snapshot name"
            value={newName}
            onChange={e => setNewName(e.target.value)}
            error={newName !== '' && !nameValid}
            helperText={
              full
                ? `This desktop holds ${list.max} snapshots, its limit: delete one first`
                : SNAPSHOT_NAME_RULE
            }
            disabled={!may}
          />
          <Button
            variant="contained"
            color="primary"
            disabled={!may || !nameValid || full || !!busy}
            onClick={() =>
              act(`Took snapshot ${newName}`, async () => {
                await api.takeSnapshot(name, newName);
                setNewName('');
              })
            }
          >
            Take snapshot
          </Button>
        </Box>
      </InfoCard>
      <Box mt={3}>
        <Table
          title={`Snapshots (${list.items.length} of ${list.max})`}
          options={{ paging: false, search: false }}
          columns={columns}
          data={list.items}
          emptyContent={
            <Box p={2}>
              <Typography>No snapshots yet.</Typography>
            </Box>
          }
        />
      </Box>
      <RestoreSnapshotDialog
        workspace={name}
        snapshot={restoring}
        onCancel={() => setRestoring(undefined)}
        onConfirm={s => {
          setRestoring(undefined);
          act(`Restoring ${s.name}`, () => api.restoreSnapshot(name, s.name));
        }}
      />
    </>
  );
}
