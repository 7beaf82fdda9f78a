import { useCallback, useEffect, useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  workspacePhaseGroup,
  type Workspace,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';

/**
 * The signed-in person's desktops and their groups', polled while any of
 * them is changing state so that a start shows up without a reload.
 */
export function useMyDesktops(pollMs = 2000) {
  const api = useApi(workspacesApiRef);
  const identityApi = useApi(identityApiRef);
  const [workspaces, setWorkspaces] = useState<Workspace[]>();
  const [error, setError] = useState<Error>();

  const load = useCallback(async () => {
    try {
      const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
      setWorkspaces(await api.listWorkspaces({ owner: ownershipEntityRefs }));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, identityApi]);

  useEffect(() => {
    load();
  }, [load]);

  useEffect(() => {
    if (
      !workspaces?.some(
        w => workspacePhaseGroup(w.status.phase) === 'transitional',
      )
    )
      return undefined;
    const t = setTimeout(load, pollMs);
    return () => clearTimeout(t);
  }, [workspaces, load, pollMs]);

  /** Shows what an action answered until the next listing. */
  const replace = useCallback((next: Workspace) => {
    setWorkspaces(list => list?.map(w => (w.name === next.name ? next : w)));
  }, []);

  return { workspaces, error, reload: load, replace };
}
