import type {
  WorkspacesApi,
  WorkspaceStatus,
} from '@desktop-mania/plugin-workspaces-common';

/** How long one listing answers every row that asks; a page of rows asks at once. */
export const LIVE_STATUS_FRESH_MS = 10_000;

const listings = new WeakMap<
  WorkspacesApi,
  { at: number; statuses: Promise<Map<string, WorkspaceStatus>> }
>();

/**
 * The live status of every desktop the caller may read, by name. The catalog
 * does not hold status (it changes too often), so the table's rows ask here;
 * one `GET /workspaces` answers all the rows of a page instead of one call
 * per row. A failed listing is not kept, so the next render asks again.
 */
export function liveStatuses(
  api: WorkspacesApi,
  now = Date.now(),
): Promise<Map<string, WorkspaceStatus>> {
  const kept = listings.get(api);
  if (kept && now - kept.at < LIVE_STATUS_FRESH_MS) return kept.statuses;
  const statuses = api
    .listWorkspaces()
    .then(list => new Map(list.map(w => [w.name, w.status])));
  const entry = { at: now, statuses };
  listings.set(api, entry);
  statuses.catch(() => {
    if (listings.get(api) === entry) listings.delete(api);
  });
  return statuses;
}
