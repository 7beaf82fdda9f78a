import type {
  AuditorService,
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { PermissionRuleset } from '@backstage/plugin-permission-node';
import type {
  Workspace,
  WorkspaceFlavors,
  WorkspaceOrdering,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleStream,
  WorkspaceChangeType,
  WorkspaceProvider,
} from '@desktop-mania/plugin-workspaces-node';
import { ConsoleLeaseStore } from '../database/ConsoleLeaseStore';
import { ConsoleRecordingStore } from '../database/ConsoleRecordingStore';
import { ShareStore } from '../database/ShareStore';
import { SnapshotStore } from '../database/SnapshotStore';
import type {
  WorkspaceRecord,
  WorkspaceStore,
} from '../database/WorkspaceStore';
import type { WorkspaceQuery } from '../permissions/rules';
import { FileTransfer, type FileTransferConfig } from './fileTransfer';
import { withLiveStatus } from './liveStatus';
import type { ProviderRegistry } from './ProviderRegistry';
import { Reconciler, type Reconciled } from './Reconciler';
import { recordingOff } from '../recording/recordingConfig';
import { Recordings } from '../recording/Recordings';
import type { WorkspaceNotifier } from './WorkspaceNotifier';
import { WorkspaceSharing } from './WorkspaceSharing';
import { WorkspaceSnapshotService } from './snapshots';
import { WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import { WorkspaceViews } from './WorkspaceViews';
import type { WorkspacesConfig } from './WorkspacesConfig';
import { WorkspaceActions } from './workspaceActions';
import { WorkspaceAudit, type AuditEntry } from './workspaceAudit';
import { WorkspaceConsoles } from './workspaceConsoles';
import { WorkspaceOrders } from './workspaceOrders';

export type { AuditEntry } from './workspaceAudit';

export interface WorkspaceServiceOptions {
  store: WorkspaceStore;
  providers: ProviderRegistry;
  config: WorkspacesConfig;
  permissions: PermissionsService;
  ruleset: PermissionRuleset<WorkspaceRecord, WorkspaceQuery>;
  userInfo: UserInfoService;
  auth: AuthService;
  auditor: AuditorService;
  logger: LoggerService;
  /** `workspaces.files`, see readFileTransferConfig; defaults when absent. */
  files?: FileTransferConfig;
  onChange(change: WorkspaceChangeType, workspace: Workspace): Promise<void>;
  /** Tells people of what happens to desktops; the sharing service uses it. */
  notifier?: Pick<WorkspaceNotifier, 'shareGranted'>;
}

/**
 * The life of every desktop, and the only code that reads or writes their
 * records or calls their providers: itself, or the parts that only it builds
 * with its own store and providers (WorkspaceOrders, WorkspaceActions,
 * WorkspaceConsoles, Reconciler). Routes, the console proxy and housekeeping
 * all go through here, so they apply the same rules. Checks and reads that
 * need none of that live beside it (orderValidation, WorkspaceAuthorizer,
 * liveStatus, WorkspaceViews).
 */
export class WorkspaceService {
  private readonly authorizer: WorkspaceAuthorizer;
  private readonly history: WorkspaceAudit;
  private readonly reconciler: Reconciler;
  /** Desktops this process is creating or deleting right now. */
  private readonly busy = new Set<string>();
  /** Uploads into and downloads from desktops' homes. */
  readonly files: FileTransfer;
  /** Named snapshots of desktops. */
  readonly snapshots: WorkspaceSnapshotService;
  /** Desktops shared by their owners, and what shares let grantees do. */
  readonly sharing: WorkspaceSharing;
  /** Console recordings: the proxy's recorder, their routes and housekeeping. */
  readonly recordings: Recordings;
  private readonly views: WorkspaceViews;
  private readonly orders: WorkspaceOrders;
  private readonly actions: WorkspaceActions;
  private readonly consoles: WorkspaceConsoles;

  constructor(private readonly options: WorkspaceServiceOptions) {
    const audit = (entry: AuditEntry) => this.audit(entry);
    this.authorizer = new WorkspaceAuthorizer({
      ...options,
      // With its grants, which the isSharedWith rule reads.
      load: name => this.sharing.load(name),
    });
    this.history = new WorkspaceAudit({
      ...options,
      history: options.store,
      authorizer: this.authorizer,
    });
    this.reconciler = new Reconciler({
      ...options,
      reconcileAfterMs: options.config.reconcileAfterMs,
      isBusy: name => this.busy.has(name),
      audit,
    });
    this.files = new FileTransfer({
      authorizer: this.authorizer,
      providers: options.providers,
      audit,
      config: options.files,
    });
    this.snapshots = new WorkspaceSnapshotService({
      ...options,
      authorizer: this.authorizer,
      store: options.store.sharing(db => new SnapshotStore(db)),
      audit,
      config: options.config.snapshots,
    });
    this.sharing = new WorkspaceSharing({
      ...options,
      get: name => options.store.get(name),
      withLiveStatus: records => withLiveStatus(records, options.providers),
      authorizer: this.authorizer,
      shares: options.store.sharing(db => new ShareStore(db)),
      leases: options.store.sharing(
        db => new ConsoleLeaseStore(db, options.config.console.leaseMs),
      ),
      audit,
    });
    this.recordings = new Recordings({
      config: options.config.recording ?? recordingOff(),
      records: options.store.sharing(db => new ConsoleRecordingStore(db)),
      get: name => this.sharing.load(name),
      authorizer: this.authorizer,
      logger: options.logger,
    });
    this.views = new WorkspaceViews({
      config: options.config,
      clusters: () => ({
        clusters: options.providers.clusters(),
        defaultCluster: options.providers.defaultCluster(),
      }),
      list: filter => options.store.list(filter),
      withLiveStatus: records => withLiveStatus(records, options.providers),
      authorizer: this.authorizer,
      sharing: this.sharing,
      recorder: this.recordings.recorder,
    });
    const part = { ...options, authorizer: this.authorizer, busy: this.busy };
    this.orders = new WorkspaceOrders({ ...part, audit });
    this.actions = new WorkspaceActions({
      ...part,
      audit,
      get: (credentials, name) => this.get(credentials, name),
      deleteWith: async (record, actor) => {
        await this.snapshots.deleteWith(record, actor);
        await this.sharing.deleteWith(record);
      },
    });
    this.consoles = new WorkspaceConsoles({ ...options, audit });
  }

  /** See {@link Reconciler.run}, then {@link WorkspaceActions.retellExpiries}. */
  async reconcile(now?: Date): Promise<Reconciled> {
    const done = await this.reconciler.run(now);
    await this.actions.retellExpiries();
    return done;
  }

  /** The provider that runs desktops on `cluster`, for routes of one capability. */
  providerFor(cluster: string): WorkspaceProvider {
    return this.options.providers.forCluster(cluster);
  }

  /** See {@link WorkspaceAuthorizer.authorizeMetrics}. */
  authorizeMetrics(credentials: BackstageCredentials): Promise<void> {
    return this.authorizer.authorizeMetrics(credentials);
  }

  getFlavors(): WorkspaceFlavors {
    return this.views.flavors();
  }

  /** See {@link WorkspaceAuthorizer.authorizeRecord}. */
  authorizeRecord(
    ...args: Parameters<WorkspaceAuthorizer['authorizeRecord']>
  ): Promise<WorkspaceRecord> {
    return this.authorizer.authorizeRecord(...args);
  }

  /** See {@link WorkspaceViews.ordering}. */
  ordering(credentials: BackstageCredentials): Promise<WorkspaceOrdering> {
    return this.views.ordering(credentials);
  }

  list(...args: Parameters<WorkspaceViews['list']>): Promise<Workspace[]> {
    return this.views.list(...args);
  }

  get(credentials: BackstageCredentials, name: string): Promise<Workspace> {
    return this.views.get(credentials, name);
  }

  /** See {@link WorkspaceViews.listAll}. */
  listAll(): Promise<Workspace[]> {
    return this.views.listAll();
  }

  /** See {@link WorkspaceViews.listActive}. */
  listActive(): ReturnType<WorkspaceViews['listActive']> {
    return this.views.listActive();
  }

  /** See {@link WorkspaceOrders.create}; `dryRun` only checks the order. */
  create(...args: Parameters<WorkspaceOrders['create']>): Promise<Workspace> {
    return this.orders.create(...args);
  }

  runAction(
    ...args: Parameters<WorkspaceActions['runAction']>
  ): Promise<Workspace> {
    return this.actions.runAction(...args);
  }

  /** Moves the expiry later: see {@link WorkspaceActions.extend}. */
  extend(...args: Parameters<WorkspaceActions['extend']>): Promise<Workspace> {
    return this.actions.extend(...args);
  }

  /** See {@link WorkspaceActions.usage}. */
  usage(...args: Parameters<WorkspaceActions['usage']>) {
    return this.actions.usage(...args);
  }

  /**
   * Stops a desktop on the system's behalf (its lifetime ended, or it sat
   * idle), with the reason in the audit log, and announces the change.
   */
  async stopBySystem(record: WorkspaceRecord, actor: string, reason: string) {
    await this.actBySystem(record, 'stop', actor, reason);
  }

  /** See {@link WorkspaceActions.actBySystem}. */
  actBySystem(
    ...args: Parameters<WorkspaceActions['actBySystem']>
  ): Promise<void> {
    return this.actions.actBySystem(...args);
  }

  delete(credentials: BackstageCredentials, name: string): Promise<void> {
    return this.actions.delete(credentials, name);
  }

  /** See {@link WorkspaceActions.deleteRecord}. */
  deleteRecord(record: WorkspaceRecord, actor: string): Promise<void> {
    return this.actions.deleteRecord(record, actor);
  }

  /** See {@link WorkspaceAudit.read}. */
  auditLog(credentials: BackstageCredentials, name: string) {
    return this.history.read(credentials, name);
  }

  /**
   * Opens the desktop's screen for a console session the proxy has already
   * authorized, and records that the session started. `leasedSession` is
   * the session row the proxy already inserted as the person's console seat.
   */
  openConsole(
    ...args: Parameters<WorkspaceConsoles['open']>
  ): Promise<{ sessionId: number; stream: Promise<ConsoleStream> }> {
    return this.consoles.open(...args);
  }

  /** A console session in use keeps its desktop from counting as idle. */
  recordConsoleActivity(record: WorkspaceRecord): Promise<void> {
    return this.consoles.recordActivity(record);
  }

  /**
   * Records how a console session ended, with what its recording says once
   * that is closed; the desktop counts as used.
   */
  closeConsole(...args: Parameters<WorkspaceConsoles['close']>): Promise<void> {
    return this.consoles.close(...args);
  }

  /** See {@link WorkspaceAudit}. */
  audit(entry: AuditEntry): Promise<void> {
    return this.history.write(entry);
  }
}
