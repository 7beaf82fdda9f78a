import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Workspace,
  WorkspacePhase,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '../api';

const SETTLED: WorkspacePhase[] = ['Running', 'Stopped', 'Failed'];

/**
 * A desktop with its live status. Polls quickly while the desktop is
 * changing state and slowly once it has settled.
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
        SETTLED.includes(next.status.phase) ? slowMs : fastMs,
      );
    } catch (e) {
      setError(e as Error);
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
