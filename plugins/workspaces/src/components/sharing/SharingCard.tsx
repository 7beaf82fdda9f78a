import { useCallback, useEffect, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Button,
  Chip,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  Typography,
} from '@material-ui/core';
import {
  workspaceLifecyclePermission,
  type Workspace,
  type WorkspaceShare,
} from '@desktop-mania/plugin-workspaces-common';
import {
  useWorkspace,
  workspacesApiRef,
} from '@desktop-mania/plugin-workspaces-react';
import { expiresIn } from '../expiry';
import { ShareDialog } from './ShareDialog';
import { modeWords, reasonOf } from './shareTerms';

/** Whether the caller manages the desktop: the backend says so where it can. */
function useManages(workspace: Workspace | undefined) {
  const lifecycle = usePermission({
    permission: workspaceLifecyclePermission,
    resourceRef: workspace?.name,
  });
  if (!workspace) return false;
  // A backend from before sharing sends no access; the permission decides.
  return workspace.access
    ? workspace.access === 'manage'
    : lifecycle.allowed && !lifecycle.loading;
}

/** The desktop's shares, with Share and Revoke; for those who manage it. */
export function SharesList(props: { workspace: Workspace }) {
  const { name, owner } = props.workspace;
  const api = useApi(workspacesApiRef);
  const [shares, setShares] = useState<WorkspaceShare[]>();
  const [error, setError] = useState<string>();
  const [sharing, setSharing] = useState(false);
  const [revoking, setRevoking] = useState<string>();

  const load = useCallback(async () => {
    try {
      setShares((await api.listShares(name)).items);
    } catch (e) {
      setError(`Could not list the shares: ${reasonOf(e)}`);
    }
  }, [api, name]);
  useEffect(() => {
    load();
  }, [load]);

  const revoke = async (grantee: string) => {
    setRevoking(grantee);
    setError(undefined);
    try {
      await api.removeShare(name, grantee);
      setShares(list => list?.filter(s => s.grantee !== grantee));
    } catch (e) {
      setError(`Could not revoke the share: ${reasonOf(e)}`);
    } finally {
      setRevoking(undefined);
    }
  };

  return (
    <>
      {!shares && !error && <Progress />}
      {shares?.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          Only you can see and use this desktop.
        </Typography>
      )}
      {!!shares?.length && (
        <List dense disablePadding>
          {shares.map(share => (
            <ListItem
              key={share.grantee}
              divider
              data-testid={`share-${share.grantee}`}
            >
              <ListItemText
                primary={
                  <>
                    <EntityRefLink entityRef={share.grantee} />{' '}
                    <Chip
                      size="small"
                      variant="outlined"
                      label={modeWords(share.mode)}
                    />
                  </>
                }
                secondary={
                  <span title={new Date(share.expiresAt).toLocaleString()}>
                    Ends {expiresIn(share.expiresAt)} · shared by{' '}
                    <EntityRefLink entityRef={share.grantedBy} />
                  </span>
                }
              />
              <ListItemSecondaryAction>
                <Button
                  size="small"
                  color="secondary"
                  disabled={revoking === share.grantee}
                  onClick={() => revoke(share.grantee)}
                  aria-label={`Revoke ${share.grantee}`}
                >
                  {revoking === share.grantee ? 'Revoking…' : 'Revoke'}
                </Button>
              </ListItemSecondaryAction>
            </ListItem>
          ))}
        </List>
      )}
      {error && (
        <Typography color="error" variant="body2" role="alert">
          {error}
        </Typography>
      )}
      <Button
        style={{ marginTop: 16 }}
        variant="outlined"
        color="primary"
        onClick={() => setSharing(true)}
      >
        Share
      </Button>
      <ShareDialog
        workspace={name}
        owner={owner}
        open={sharing}
        onClose={() => setSharing(false)}
        onShared={share => {
          setSharing(false);
          setError(undefined);
          setShares(list => [
            ...(list ?? []).filter(s => s.grantee !== share.grantee),
            share,
          ]);
        }}
      />
    </>
  );
}

/**
 * Who else may watch or use the desktop, on its entity page. Shown only to
 * those who manage it: grantees never see each other.
 */
export function SharingCard() {
  const { entity } = useEntity();
  const { workspace } = useWorkspace(entity.metadata.name);
  const manages = useManages(workspace);
  if (!workspace || !manages) return null;
  return (
    <InfoCard title="Sharing">
      <SharesList workspace={workspace} />
    </InfoCard>
  );
}
