import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  workspacePhaseGroup,
  type Workspace,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '../api';

// A desktop on its way somewhere, or on a cluster that did not answer, is
// asked again soon; a settled one rarely.
const SETTLED = ['running', 'stopped', 'failed'];

/**
 * A desktop with its live status. Polls quickly while the desktop is
 * changing state and slowly once it has settled; once the backend answers
 * 404 the desktop is gone (`workspace` undefined, the 404 as `error`) and
 * polling stops.
 * @public
 */
export function useWorkspace(
  name: string | undefined,
  options: { fastMs?: number; slowMs?: number } = {},
) {
  const api = useApi(workspacesApiRef);
  const [workspace, setWorkspace] = useState<Workspace>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const fastMs = options.fastMs ?? 2000;
  const slowMs = options.slowMs ?? 15000;

  const load = useCallback(async () => {
    if (!name) return;
    clearTimeout(timer.current);
    try {
      const next = await api.getWorkspace(name);
      setWorkspace(next);
      setError(undefined);
      timer.current = setTimeout(
        load,
        SETTLED.includes(workspacePhaseGroup(next.status.phase))
          ? slowMs
          : fastMs,
      );
    } catch (e) {
      setError(e as Error);
      // A deleted desktop stays deleted: showing its last state would offer
      // actions on nothing, and asking again only repeats the 404.
      if ((e as { response?: Response }).response?.status === 404) {
        setWorkspace(undefined);
        return;
      }
      timer.current = setTimeout(load, slowMs);
    } finally {
      setLoading(false);
    }
  }, [api, name, fastMs, slowMs]);

  useEffect(() => {
    load();
    return () => clearTimeout(timer.current);
  }, [load]);

  return { workspace, error, loading, reload: load, setWorkspace };
}
