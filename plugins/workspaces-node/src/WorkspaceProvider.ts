import type { Duplex } from 'stream';
import type {
  ConsoleDisplay,
  KeyboardLayout,
  WorkspaceOs,
  WorkspaceStatus,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceFileTransfer } from './files';
import type { WorkspaceSnapshots } from './snapshots';

/** An image after the backend resolved it from config. @public */
export interface ResolvedWorkspaceImage {
  name: string;
  title: string;
  os: WorkspaceOs;
  defaultUser?: string;
  /** KubeVirt: the curated DataSource the root disk is cloned from. */
  dataSource?: { name: string; namespace?: string };
  /** KubeVirt: the cluster preference, e.g. `ubuntu` or `windows.11.virtio`. */
  preference?: string;
}

/** A size after the backend resolved it from config. @public */
export interface ResolvedWorkspaceSize {
  name: string;
  title: string;
  /** KubeVirt: the cluster instancetype, e.g. `u1.medium`. */
  instancetype?: string;
  /** Local: the screen geometry, e.g. `1280x800`. */
  geometry?: string;
  /** Local: the most processes the desktop may run. */
  maxProcesses?: number;
  /** Virtual CPUs, as offered; the local provider enforces it as a quota. */
  cpu?: number;
  /** Memory as a Kubernetes quantity, e.g. `4Gi`; the local provider enforces it. */
  memory?: string;
}

/** Everything a provider needs to create one desktop. @public */
export interface WorkspaceCreateSpec {
  name: string;
  cluster: string;
  image: ResolvedWorkspaceImage;
  size: ResolvedWorkspaceSize;
  diskGi: number;
  /** Entity ref of the owner (user or group). */
  owner: string;
  /** Entity ref of the person who ordered it. */
  createdBy: string;
  /** The account name created inside the desktop. */
  username: string;
  expiresAt?: string;
}

/** Points at one desktop a provider runs. @public */
export interface WorkspaceRef {
  name: string;
  cluster: string;
}

/** What a provider knows of one desktop. @public */
export interface ProviderWorkspace {
  name: string;
  cluster: string;
  namespace?: string;
  /** Labels and annotations the provider stored on the desktop, when it has any. */
  owner?: string;
  status: WorkspaceStatus;
  /**
   * The desktop's expiry (ISO 8601) as the provider's own copy beside the
   * machine has it, e.g. KubeVirt's VM annotation; absent where the provider
   * keeps no copy (see {@link WorkspaceProvider.setExpiry}) or the machine
   * has none. The backend compares it with its record to copy only what
   * drifted.
   */
  expiresAt?: string;
}

/** @public */
export interface ConsoleOptions {
  /** Keep another viewer's session instead of taking the seat over. */
  preserveSession?: boolean;
  signal?: AbortSignal;
  /**
   * Which display to open: the desktop's own (the default), or the machine's
   * console where the provider has one apart from it (KubeVirt's VM console).
   */
  display?: ConsoleDisplay;
}

/**
 * A console's RFB stream, telling which display it shows, why not the one
 * asked for (`fallback`) and which ones the desktop offers. A provider with
 * one display only may leave `consoleDisplay` out: it is the desktop's own.
 * @public
 */
export type ConsoleStream = Duplex & {
  readonly consoleDisplay?: {
    display: ConsoleDisplay;
    fallback?: string;
    displays?: ConsoleDisplay[];
  };
};

/**
 * What one desktop uses, as its provider measured it. A figure the provider
 * cannot measure is left out.
 * @public
 */
export interface WorkspaceResourceUsage {
  /** CPUs' worth of time used lately, e.g. 0.5 is half of one CPU. */
  cpuCores?: number;
  /** Memory its programs hold, without caches the system can take back. */
  memoryBytes?: number;
  memoryLimitBytes?: number;
  diskBytes?: number;
  diskLimitBytes?: number;
  /** When it was measured, ISO 8601. */
  at: string;
}

/**
 * A desktop runtime. The workspaces backend owns permissions, records and
 * quotas; a provider only runs machines.
 *
 * Errors: throw `@backstage/errors` types. `NotFoundError` when the desktop
 * does not exist, `ConflictError` when the name is taken, `InputError` when
 * the provider cannot run what was asked (e.g. Windows locally),
 * `ServiceUnavailableError` when the cluster cannot be reached, and
 * `ConsoleInUseError` when the console seat is taken.
 * @public
 */
export interface WorkspaceProvider {
  /** Short id, e.g. `kubevirt` or `local`. */
  readonly id: string;
  /** The clusters this provider serves, with the operating systems each runs. */
  getClusters(): Array<{ name: string; os: WorkspaceOs[] }>;
  create(spec: WorkspaceCreateSpec): Promise<ProviderWorkspace>;
  get(ref: WorkspaceRef): Promise<ProviderWorkspace | undefined>;
  /** Every desktop on the cluster; throws when the cluster cannot be listed. */
  list(cluster: string): Promise<ProviderWorkspace[]>;
  start(ref: WorkspaceRef): Promise<void>;
  stop(ref: WorkspaceRef): Promise<void>;
  restart(ref: WorkspaceRef): Promise<void>;
  delete(ref: WorkspaceRef): Promise<void>;
  /** A raw RFB byte stream to the desktop's screen. */
  openConsole(
    ref: WorkspaceRef,
    options?: ConsoleOptions,
  ): Promise<ConsoleStream>;
  /**
   * Optional: what the desktop uses now. Undefined when it uses nothing
   * (it is stopped); absent when the provider cannot measure desktops.
   */
  usage?(ref: WorkspaceRef): Promise<WorkspaceResourceUsage | undefined>;
  /** File transfer with a desktop's home; absent where there is no channel to it. */
  readonly files?: WorkspaceFileTransfer;
  /** Named snapshots of a desktop; absent where the provider cannot take them. */
  readonly snapshots?: WorkspaceSnapshots;
  /**
   * Optional: sets the running desktop's keyboard layout. Absent where the
   * desktop's own system decides it (a VM gets scancodes, not characters).
   */
  setKeyboardLayout?(ref: WorkspaceRef, layout: KeyboardLayout): Promise<void>;
  /**
   * Optional: records a desktop's new expiry (ISO 8601) where the provider
   * keeps its own copy beside the machine, e.g. KubeVirt's VM annotation.
   * The backend's record stays what expiry is enforced by; absent where the
   * provider keeps no copy.
   */
  setExpiry?(ref: WorkspaceRef, expiresAt: string): Promise<void>;
}
