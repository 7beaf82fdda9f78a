import type { WorkspaceOs } from './WorkspaceEntity';
import type { WorkspaceAccess } from './shares';

/** An image people may order a desktop from, as the admins allow it. @public */
export interface WorkspaceImage {
  name: string;
  title: string;
  os: WorkspaceOs;
  description?: string;
  /** The account created for the owner inside the desktop. */
  defaultUser?: string;
  /** What the image needs to run; sizes and disks below it are refused. */
  minimum?: WorkspaceImageMinimum;
  /** The sizes this image may be ordered with, in the order offered. */
  sizes: string[];
  /** The disk this image may be ordered with, at least `minimum.diskGi`. */
  diskGi: WorkspaceRange;
}

/**
 * The least an image runs with: its guest's CPU and memory (for KubeVirt, its
 * preference's requirements) and its disk (at least its source's size).
 * @public
 */
export interface WorkspaceImageMinimum {
  cpu?: number;
  /** A Kubernetes quantity, e.g. `4Gi`. */
  memory?: string;
  diskGi?: number;
}

/** A size people may order, as the admins allow it. @public */
export interface WorkspaceSize {
  name: string;
  title: string;
  description?: string;
  cpu?: number;
  memory?: string;
}

/** @public */
export interface WorkspaceRange {
  min: number;
  max: number;
  default: number;
}

/** @public */
export interface WorkspaceLimits {
  diskGi: WorkspaceRange;
  lifetimeHours: WorkspaceRange;
  maxPerOwner: number;
}

/** What can be ordered, answered by `GET /flavors`. @public */
export interface WorkspaceFlavors {
  images: WorkspaceImage[];
  sizes: WorkspaceSize[];
  limits: WorkspaceLimits;
  clusters: Array<{ name: string; provider: string; os: WorkspaceOs[] }>;
  defaultCluster: string;
}

/**
 * Whom the caller may order desktops for, and how many each holds, answered
 * by `GET /ordering`: the caller first, then their groups.
 * @public
 */
export interface WorkspaceOrdering {
  owners: Array<{ owner: string; held: number; max: number }>;
}

/** @public */
export type WorkspacePhase =
  | 'Provisioning'
  | 'Starting'
  | 'Running'
  | 'Stopping'
  | 'Stopped'
  | 'Failed'
  | 'Terminating'
  | 'Unknown';

/** Live status, as the provider reports it. @public */
export interface WorkspaceStatus {
  phase: WorkspacePhase;
  ready: boolean;
  /** Human readable detail: the reason for a failure, or the VM's printable status. */
  message?: string;
  ip?: string;
  node?: string;
  /**
   * Whether opening the console can leave another viewer's session alone.
   * False where every connect takes the seat over (KubeVirt before v1.7.0),
   * so the console should warn before connecting; absent when not known.
   */
  consolePreservesSession?: boolean;
}

/** @public */
export interface Workspace {
  name: string;
  cluster: string;
  provider: string;
  namespace?: string;
  os: WorkspaceOs;
  image: string;
  size: string;
  diskGi: number;
  owner: string;
  createdBy: string;
  createdAt: string;
  expiresAt?: string;
  template?: string;
  system?: string;
  status: WorkspaceStatus;
  /** Console sessions on this desktop are recorded now; absent when not. */
  recorded?: boolean;
  /** What the caller may do with it: see {@link WorkspaceAccess}. */
  access?: WorkspaceAccess;
}

/** @public */
export interface CreateWorkspaceRequest {
  name: string;
  image: string;
  size: string;
  diskGi?: number;
  lifetimeHours?: number;
  owner?: string;
  cluster?: string;
  system?: string;
  template?: string;
}

/** @public */
export type WorkspaceAction = 'start' | 'stop' | 'restart';

/**
 * What a desktop uses right now, answered by `GET /workspaces/:name/usage`.
 * Each figure is absent when its provider cannot measure it; `available` is
 * false, with the reason, when it measures nothing for this desktop.
 * @public
 */
export interface WorkspaceUsage {
  available: boolean;
  reason?: string;
  /** CPUs' worth of time used, e.g. 0.5 is half of one CPU. */
  cpuCores?: number;
  /** Memory the desktop's programs hold, without caches the system can take back. */
  memoryBytes?: number;
  memoryLimitBytes?: number;
  diskBytes?: number;
  diskLimitBytes?: number;
  /** When it was measured, ISO 8601. */
  at?: string;
}

/** One row of the audit log. @public */
export interface WorkspaceAuditEvent {
  id: number;
  workspace: string;
  actor: string;
  action: string;
  outcome: 'succeeded' | 'failed';
  message?: string;
  /** A console session's recording, for `/recordings/:id`. */
  recordingId?: string;
  at: string;
}

/** One entry of a folder in a desktop's home. @public */
export interface WorkspaceFileEntry {
  name: string;
  /** Links and special files are listed as `other` and are never followed. */
  type: 'file' | 'directory' | 'other';
  /** Bytes; 0 for folders. */
  size: number;
  modifiedAt: string;
}

/** A folder of a desktop's home, by its path relative to the home (`''` is the home). @public */
export interface WorkspaceFolder {
  path: string;
  entries: WorkspaceFileEntry[];
}
