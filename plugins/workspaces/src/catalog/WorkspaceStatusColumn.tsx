import { useEffect, useState } from 'react';
import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { CatalogTableRow } from '@backstage/plugin-catalog';
import { Typography } from '@material-ui/core';
import type { WorkspaceStatus } from '@desktop-mania/plugin-workspaces-common';
import {
  workspacesApiRef,
  WorkspaceStatusBadge,
} from '@desktop-mania/plugin-workspaces-react';
import { liveStatuses } from './liveStatuses';

type Lookup =
  | { state: 'loading' }
  | { state: 'found'; status: WorkspaceStatus }
  | { state: 'missing' }
  | { state: 'failed'; message: string };

/** The live status of one desktop, from the listing its page shares. */
export function WorkspaceStatusCell(props: { name: string }) {
  const api = useApi(workspacesApiRef);
  const [lookup, setLookup] = useState<Lookup>({ state: 'loading' });

  useEffect(() => {
    let current = true;
    liveStatuses(api).then(
      statuses => {
        if (!current) return;
        const status = statuses.get(props.name);
        setLookup(status ? { state: 'found', status } : { state: 'missing' });
      },
      e =>
        current &&
        setLookup({ state: 'failed', message: String(e?.message ?? e) }),
    );
    return () => {
      current = false;
    };
  }, [api, props.name]);

  switch (lookup.state) {
    case 'found':
      // A narrow column must not break the word under its icon.
      return (
        <span style={{ whiteSpace: 'nowrap' }}>
          <WorkspaceStatusBadge status={lookup.status} />
        </span>
      );
    case 'loading':
      return <Typography variant="body2">…</Typography>;
    case 'missing':
      // Listed in the catalog but not readable by this person, or just deleted.
      return (
        <Typography variant="body2" title="Not one of your desktops, or gone">
          —
        </Typography>
      );
    default:
      return (
        <Typography
          variant="body2"
          title={`Could not read the status: ${lookup.message}`}
        >
          —
        </Typography>
      );
  }
}

/**
 * A catalog table column with a Workspace's live phase. Status is not on the
 * entity, so each cell reads it from the workspaces API, one listing shared
 * by the rows of a page.
 * @public
 */
export function createWorkspaceStatusColumn(): TableColumn<CatalogTableRow> {
  return {
    title: 'Status',
    sorting: false,
    render: row => <WorkspaceStatusCell name={row.entity.metadata.name} />,
  };
}
