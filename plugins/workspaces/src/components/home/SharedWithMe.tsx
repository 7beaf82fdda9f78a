import { useEffect, useState } from 'react';
import { InfoCard, Link } from '@backstage/core-components';
import { DEFAULT_NAMESPACE } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  EntityRefLink,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import {
  Chip,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import {
  WORKSPACE_KIND,
  type WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import {
  workspacesApiRef,
  WorkspaceStatusBadge,
} from '@desktop-mania/plugin-workspaces-react';
import { DESKTOP_TAB_PATH } from '../../routes';
import { expiresIn } from '../expiry';
import { modeWords, reasonOf } from '../sharing/shareTerms';

type SharedDesktop = Awaited<
  ReturnType<WorkspacesApi['listSharedWithMe']>
>['items'][number];

/**
 * Desktops others shared with the person or their groups, each linking to
 * its Desktop tab. Nothing at all while nobody shares one, so the home page
 * of most people stays as it was.
 */
export function SharedWithMe() {
  const api = useApi(workspacesApiRef);
  const entityLink = useEntityRefLink();
  const [items, setItems] = useState<SharedDesktop[]>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    api.listSharedWithMe().then(
      answer => setItems(answer.items),
      e => setError(e as Error),
    );
  }, [api]);

  if (!error && !items?.length) return null;
  return (
    <InfoCard title="Shared with you">
      {error && (
        <Typography color="error" variant="body2" role="alert">
          Could not list desktops shared with you: {reasonOf(error)}
        </Typography>
      )}
      <List disablePadding>
        {items?.map(w => (
          <ListItem key={w.name} divider data-testid={`shared-${w.name}`}>
            <ListItemText
              primary={
                <>
                  <Link
                    to={`${entityLink({
                      kind: WORKSPACE_KIND,
                      namespace: DEFAULT_NAMESPACE,
                      name: w.name,
                    })}/${DESKTOP_TAB_PATH}`}
                  >
                    {w.name}
                  </Link>{' '}
                  <Chip
                    size="small"
                    variant="outlined"
                    label={modeWords(w.share.mode)}
                  />
                </>
              }
              secondary={
                <span title={new Date(w.share.expiresAt).toLocaleString()}>
                  Owner <EntityRefLink entityRef={w.owner} /> · share ends{' '}
                  {expiresIn(w.share.expiresAt)}
                </span>
              }
            />
            <WorkspaceStatusBadge status={w.status} />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
