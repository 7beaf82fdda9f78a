import { useCallback } from 'react';
import { useNavigate } from 'react-router-dom';
import { EmptyState, LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import type { useWorkspace } from '@desktop-mania/plugin-workspaces-react';
import { homeRouteRef } from '../routes';

type Live = Pick<ReturnType<typeof useWorkspace>, 'reload' | 'setWorkspace'>;

/**
 * Whether a failed read means the desktop no longer exists. The backend
 * answers 404 for a deleted desktop (and for one the caller may not see,
 * which a page that showed it a moment ago cannot tell apart).
 */
export function isGone(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: string; response?: { status?: number } };
  return e.response?.status === 404 || e.name === 'NotFoundError';
}

/**
 * `onChanged` for a desktop loaded with `useWorkspace`. An action answers
 * with the desktop as it is now; a delete answers with nothing, and a page
 * about a deleted desktop has nothing left to offer, so the person goes
 * back home. Where no home page is mounted the desktop is read again, and
 * its 404 shows it as gone.
 */
export function useFollowChanges(live: Live) {
  const home = useRouteRef(homeRouteRef);
  const navigate = useNavigate();
  const { reload, setWorkspace } = live;
  return useCallback(
    (workspace?: Workspace) => {
      if (workspace) setWorkspace(workspace);
      else if (home) navigate(home());
      else reload();
    },
    [home, navigate, reload, setWorkspace],
  );
}

/** In place of a desktop that no longer exists: no status, no actions. */
export function DesktopGone(props: { name: string }) {
  const home = useRouteRef(homeRouteRef);
  return (
    <EmptyState
      missing="content"
      title={`${props.name} no longer exists`}
      description="It was deleted, or you may no longer see it."
      action={
        home && (
          <LinkButton to={home()} variant="contained" color="primary">
            Back to your desktops
          </LinkButton>
        )
      }
    />
  );
}
