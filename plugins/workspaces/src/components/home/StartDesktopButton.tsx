import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Button, Tooltip } from '@material-ui/core';
import {
  workspaceLifecyclePermission,
  type Workspace,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';

/**
 * Starts a stopped desktop from the home page. Disabled, with the reason,
 * when the permission framework says no; the backend checks again.
 */
export function StartDesktopButton(props: {
  workspace: Workspace;
  onStarted(workspace: Workspace): void;
}) {
  const { workspace, onStarted } = props;
  const api = useApi(workspacesApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed, loading } = usePermission({
    permission: workspaceLifecyclePermission,
    resourceRef: workspace.name,
  });
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    try {
      onStarted(await api.runAction(workspace.name, 'start'));
    } catch (e) {
      alertApi.post({
        message: `Could not start ${workspace.name}: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };

  let reason = '';
  if (loading) reason = 'Checking your permissions…';
  else if (!allowed) reason = 'You do not have permission to start it';
  return (
    <Tooltip title={reason}>
      <span>
        <Button
          size="small"
          variant="contained"
          color="primary"
          disabled={!!reason || busy}
          onClick={start}
        >
          {busy ? 'Start…' : 'Start'}
        </Button>
      </span>
    </Tooltip>
  );
}
