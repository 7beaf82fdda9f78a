import { useState } from 'react';
import { useApi, alertApiRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  makeStyles,
  Tooltip,
} from '@material-ui/core';
import {
  Workspace,
  WorkspaceAction,
  workspaceDeletePermission,
  workspaceLifecyclePermission,
  WorkspacePhase,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { ExtendMenu } from './ExtendMenu';
import { expiresIn } from './expiry';

function reasonFor(
  allowed: boolean,
  loading: boolean,
  busy: boolean,
  phaseBlocks?: string,
) {
  if (loading) return 'Checking your permissions…';
  if (!allowed) return 'You do not have permission to do this';
  if (busy) return 'Another action is in progress';
  return phaseBlocks;
}

function startBlockedBy(phase: WorkspacePhase) {
  switch (phase) {
    case 'Running':
      return 'The desktop is already running';
    case 'Provisioning':
    case 'Starting':
      return 'The desktop is already starting';
    case 'Terminating':
      return 'The desktop is being deleted';
    default:
      return undefined;
  }
}

function extendBlockedBy(workspace: Workspace) {
  if (!workspace.expiresAt) return 'The desktop never expires';
  if (workspace.status.phase === 'Terminating') {
    return 'The desktop is being deleted';
  }
  return undefined;
}

/**
 * Start, stop, restart, delete and extend for one desktop. Buttons the person may
 * not use stay visible, disabled, with the reason in a tooltip.
 */
// Delete in the theme's dark error red: the default secondary pink measured
// 3.9:1 on a table row and 4.2:1 under white text, short of WCAG AA's 4.5:1.
const useStyles = makeStyles(theme => ({
  destructive: {
    color: theme.palette.error.dark,
    borderColor: theme.palette.error.dark,
  },
  destructiveFilled: {
    color: theme.palette.error.contrastText,
    backgroundColor: theme.palette.error.dark,
    '&:hover': { backgroundColor: theme.palette.error.dark },
  },
}));

export function WorkspaceActions(props: {
  workspace: Workspace;
  onChanged(workspace?: Workspace): void;
  size?: 'small' | 'medium';
}) {
  const { workspace, onChanged } = props;
  const classes = useStyles();
  const api = useApi(workspacesApiRef);
  const alertApi = useApi(alertApiRef);
  const lifecycle = usePermission({
    permission: workspaceLifecyclePermission,
    resourceRef: workspace.name,
  });
  const remove = usePermission({
    permission: workspaceDeletePermission,
    resourceRef: workspace.name,
  });
  const [busy, setBusy] = useState<string>();
  const [confirming, setConfirming] = useState<'stop' | 'delete'>();
  const phase = workspace.status.phase;
  // A grantee watches or uses someone else's desktop and never runs its
  // lifecycle; disabled buttons would only suggest asking for it.
  if (workspace.access && workspace.access !== 'manage') return null;

  const run = async (action: WorkspaceAction) => {
    setBusy(action);
    try {
      onChanged(await api.runAction(workspace.name, action));
      alertApi.post({
        message: `${workspace.name}: ${action} requested`,
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      alertApi.post({
        message: `Could not ${action} ${workspace.name}: ${
          (e as Error).message
        }`,
        severity: 'error',
      });
    } finally {
      setBusy(undefined);
    }
  };

  const extend = async (hours: number) => {
    setBusy('extend');
    try {
      const extended = await api.extendWorkspace(workspace.name, hours);
      onChanged(extended);
      alertApi.post({
        message: `${workspace.name} now expires ${expiresIn(
          extended.expiresAt,
        )}`,
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      alertApi.post({
        message: `Could not extend ${workspace.name}: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setBusy(undefined);
    }
  };

  const destroy = async () => {
    setConfirming(undefined);
    setBusy('delete');
    try {
      await api.deleteWorkspace(workspace.name);
      alertApi.post({
        message: `${workspace.name} was deleted`,
        severity: 'success',
        display: 'transient',
      });
      onChanged(undefined);
    } catch (e) {
      alertApi.post({
        message: `Could not delete ${workspace.name}: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setBusy(undefined);
    }
  };

  const buttons: Array<{
    label: string;
    action: WorkspaceAction | 'delete';
    allowed: boolean;
    loading: boolean;
    blocked?: string;
  }> = [
    {
      label: 'Start',
      action: 'start',
      allowed: lifecycle.allowed,
      loading: lifecycle.loading,
      blocked: startBlockedBy(phase),
    },
    {
      label: 'Stop',
      action: 'stop',
      allowed: lifecycle.allowed,
      loading: lifecycle.loading,
      blocked:
        phase === 'Stopped' ? 'The desktop is already stopped' : undefined,
    },
    {
      label: 'Restart',
      action: 'restart',
      allowed: lifecycle.allowed,
      loading: lifecycle.loading,
      blocked:
        phase !== 'Running' ? 'Only a running desktop can restart' : undefined,
    },
    {
      label: 'Delete',
      action: 'delete',
      allowed: remove.allowed,
      loading: remove.loading,
    },
  ];

  return (
    <>
      {buttons.map(b => {
        const reason = reasonFor(b.allowed, b.loading, !!busy, b.blocked);
        return (
          <Tooltip key={b.label} title={reason ?? ''}>
            <span>
              <Button
                size={props.size ?? 'small'}
                variant={b.action === 'delete' ? 'outlined' : 'contained'}
                color={b.action === 'delete' ? 'default' : 'primary'}
                className={
                  b.action === 'delete' && !reason
                    ? classes.destructive
                    : undefined
                }
                disabled={!!reason}
                onClick={() =>
                  b.action === 'delete' || b.action === 'stop'
                    ? setConfirming(b.action)
                    : run(b.action)
                }
                style={{ marginRight: 8 }}
              >
                {busy === b.action ? `${b.label}…` : b.label}
              </Button>
            </span>
          </Tooltip>
        );
      })}
      <ExtendMenu
        workspace={workspace}
        size={props.size}
        busy={busy === 'extend'}
        reason={reasonFor(
          lifecycle.allowed,
          lifecycle.loading,
          !!busy,
          extendBlockedBy(workspace),
        )}
        onExtend={extend}
      />
      <Dialog
        open={confirming === 'delete'}
        onClose={() => setConfirming(undefined)}
      >
        <DialogTitle>Delete {workspace.name}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            The desktop and its disk are removed for good. Files on it cannot be
            recovered.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(undefined)}>Cancel</Button>
          <Button
            variant="contained"
            className={classes.destructiveFilled}
            onClick={destroy}
          >
            Delete for good
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog
        open={confirming === 'stop'}
        onClose={() => setConfirming(undefined)}
      >
        <DialogTitle>Stop {workspace.name}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Programs running in it are closed and work not saved to a file is
            lost. Its disk and files stay; start it again at any time.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(undefined)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            onClick={() => {
              setConfirming(undefined);
              run('stop');
            }}
          >
            Stop it
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
