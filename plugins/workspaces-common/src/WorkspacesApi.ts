import type { WorkspaceSchedule, WorkspaceScheduleRequest } from './schedules';
import type { WorkspaceSnapshot, WorkspaceSnapshotList } from './snapshots';
import type { ShareMode, ShareRequest, WorkspaceShare } from './shares';
import type { RecordingSummary } from './recordingFormat';
import type {
  CreateWorkspaceRequest,
  Workspace,
  WorkspaceAction,
  WorkspaceAuditEvent,
  WorkspaceFlavors,
  WorkspaceFolder,
  WorkspaceOrdering,
  WorkspaceUsage,
} from './types';

/** Options of each call; `token` is for backend callers, the frontend's fetch adds its own. @public */
export interface WorkspacesRequestOptions {
  token?: string;
}

/** @public */
export interface WorkspacesApi {
  getFlavors(options?: WorkspacesRequestOptions): Promise<WorkspaceFlavors>;
  getOrdering(options?: WorkspacesRequestOptions): Promise<WorkspaceOrdering>;
  listWorkspaces(
    query?: { owner?: string[] },
    options?: WorkspacesRequestOptions,
  ): Promise<Workspace[]>;
  getWorkspace(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<Workspace>;
  createWorkspace(
    request: CreateWorkspaceRequest,
    options?: WorkspacesRequestOptions & { dryRun?: boolean },
  ): Promise<Workspace>;
  runAction(
    name: string,
    action: WorkspaceAction,
    options?: WorkspacesRequestOptions,
  ): Promise<Workspace>;
  deleteWorkspace(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<void>;
  getAuditLog(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceAuditEvent[]>;
  /** A folder of the desktop's home; `path` is relative to the home, `''` the home itself. */
  listFiles(
    name: string,
    path: string,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceFolder>;
  /** A file of the desktop's home, whole. */
  downloadFile(
    name: string,
    path: string,
    options?: WorkspacesRequestOptions,
  ): Promise<Blob>;
  /** Writes `content` to `path` in the desktop's home, replacing a file there. */
  uploadFile(
    name: string,
    path: string,
    content: Blob,
    options?: WorkspacesRequestOptions,
  ): Promise<void>;
  /** Moves the expiry `hours` later, up to the longest lifetime after the order. */
  extendWorkspace(
    name: string,
    hours: number,
    options?: WorkspacesRequestOptions,
  ): Promise<Workspace>;
  /** What the desktop uses now; `available` false, with the reason, when not measured. */
  getWorkspaceUsage(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceUsage>;
  /** The desktop's working hours; undefined when it has none. */
  getSchedule(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceSchedule | undefined>;
  /** Sets or replaces the desktop's working hours. */
  setSchedule(
    name: string,
    schedule: WorkspaceScheduleRequest,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceSchedule>;
  /** Removes the desktop's working hours. */
  deleteSchedule(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<void>;
  /** Sets the running desktop's keyboard layout, an id of KEYBOARD_LAYOUTS. */
  setKeyboardLayout(
    name: string,
    layout: string,
    options?: WorkspacesRequestOptions,
  ): Promise<void>;
  /** The desktop's snapshots, newest first, with its limit. */
  listSnapshots(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceSnapshotList>;
  takeSnapshot(
    name: string,
    snapshot: string,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceSnapshot>;
  /** Puts the desktop back as it was at the snapshot; later changes are lost. */
  restoreSnapshot(
    name: string,
    snapshot: string,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceSnapshot>;
  deleteSnapshot(
    name: string,
    snapshot: string,
    options?: WorkspacesRequestOptions,
  ): Promise<void>;
  /** A kept snapshot stays when its desktop is deleted. */
  keepSnapshot(
    name: string,
    snapshot: string,
    keep: boolean,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceSnapshot>;
  /** Recordings of the desktop's console sessions, newest first. */
  listRecordings(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<{ items: RecordingSummary[] }>;
  getRecording(
    id: string,
    options?: WorkspacesRequestOptions,
  ): Promise<RecordingSummary>;
  /** The recording file, to read with `parseRecording`. */
  getRecordingContent(
    id: string,
    options?: WorkspacesRequestOptions,
  ): Promise<ArrayBuffer>;
  /** The desktop's unexpired shares; for those who manage it. */
  listShares(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<{ items: WorkspaceShare[] }>;
  /** Shares the desktop with a user or group ref, or changes their share. */
  setShare(
    name: string,
    grantee: string,
    request: ShareRequest,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceShare>;
  /** Ends a share; the grantee's open consoles close at once. */
  removeShare(
    name: string,
    grantee: string,
    options?: WorkspacesRequestOptions,
  ): Promise<void>;
  /** Desktops others shared with the caller or their groups. */
  listSharedWithMe(options?: WorkspacesRequestOptions): Promise<{
    items: Array<
      Workspace & {
        share: { mode: ShareMode; expiresAt: string; grantedBy: string };
      }
    >;
  }>;
}
