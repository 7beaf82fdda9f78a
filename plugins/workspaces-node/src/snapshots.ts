import type { WorkspaceSnapshotState } from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRef } from './WorkspaceProvider';

/**
 * A snapshot as its provider holds it. `ref` is the provider's own name for
 * it, which the backend records and hands back.
 * @public
 */
export interface ProviderSnapshot {
  ref: string;
  state: WorkspaceSnapshotState;
  /** Why it failed, or how far a snapshot or restore is. */
  message?: string;
}

/**
 * Named snapshots of a desktop's disk or home, for providers that can take
 * them. The backend owns names, limits, permissions and records; a provider
 * only keeps the data.
 *
 * Errors: `ConflictError` when the desktop is not in a state to take or
 * restore one (e.g. it runs and must be stopped first, or a restore is
 * already under way), `NotFoundError` for a missing desktop or snapshot.
 * @public
 */
export interface WorkspaceSnapshots {
  /**
   * Whether the desktop must be stopped to take or to restore a snapshot;
   * the backend refuses early and the UI says so.
   */
  readonly requiresStopped: { take: boolean; restore: boolean };
  /** Starts a snapshot named `snapshot`; it may still be in progress when this returns. */
  take(ref: WorkspaceRef, snapshot: string): Promise<ProviderSnapshot>;
  /** The desktop's snapshots this provider holds, whatever their state. */
  list(ref: WorkspaceRef): Promise<ProviderSnapshot[]>;
  /** Replaces the desktop's disk or home with the snapshot's content. */
  restore(ref: WorkspaceRef, snapshotRef: string): Promise<ProviderSnapshot>;
  /** Removes it; a snapshot already gone is no error. */
  delete(ref: WorkspaceRef, snapshotRef: string): Promise<void>;
}
