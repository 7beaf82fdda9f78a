/**
 * Where a snapshot is: being taken, usable, or failed (with the reason in
 * `message`). A restore puts it in `restoring` until the desktop's disk or
 * home holds its content again.
 * @public
 */
export type WorkspaceSnapshotState =
  | 'in-progress'
  | 'ready'
  | 'restoring'
  | 'failed';

/** One named snapshot of a desktop, as the API answers it. @public */
export interface WorkspaceSnapshot {
  name: string;
  workspace: string;
  /** Entity ref of the person who took it. */
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
  state: WorkspaceSnapshotState;
  /** Kept snapshots stay when their desktop is deleted. */
  keep: boolean;
  /** Why it failed, or how far it is. */
  message?: string;
}

/**
 * The snapshots of one desktop, with what its provider needs: on some the
 * desktop must be stopped to take or restore one, and the UI says so.
 * @public
 */
export interface WorkspaceSnapshotList {
  items: WorkspaceSnapshot[];
  /** The most this desktop may hold. */
  max: number;
  /** False where the desktop's provider cannot take snapshots. */
  supported: boolean;
  requiresStopped: { take: boolean; restore: boolean };
}

/** Body of `POST /workspaces/:name/snapshots`. @public */
export interface TakeSnapshotRequest {
  name: string;
}

/** Body of `PATCH /workspaces/:name/snapshots/:snapshot`. @public */
export interface UpdateSnapshotRequest {
  keep: boolean;
}

/**
 * A snapshot name: 1 to 40 lower-case letters, digits and '-', starting
 * with a letter and ending with a letter or digit, so it fits in a
 * Kubernetes object name beside the desktop's own.
 * @public
 */
export const SNAPSHOT_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** The rule of {@link SNAPSHOT_NAME_PATTERN}, as people read it. @public */
export const SNAPSHOT_NAME_RULE =
  "1 to 40 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit";
