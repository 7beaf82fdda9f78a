// Over 300 lines on purpose: every write to a desktop's record, every call
// to its provider and every audit entry is in this one class, so one file
// shows all of them; only settling what a crash left half done is apart, in
// Reconciler, which the service builds with its own store and providers.
// Checks and reads that need none of that live beside it (orderValidation,
// WorkspaceAuthorizer, liveStatus, WorkspaceViews).
import type {
  AuditorService,
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  assertError,
  ConflictError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { PermissionRuleset } from '@backstage/plugin-permission-node';
import {
  workspaceDeletePermission,
  workspaceLifecyclePermission,
  workspaceReadPermission,
  type Workspace,
  type WorkspaceAction,
  type WorkspaceFlavors,
  type WorkspaceOrdering,
  type WorkspaceUsage,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleOptions,
  ConsoleStream,
  ProviderWorkspace,
  WorkspaceChangeType,
  WorkspaceProvider,
} from '@desktop-mania/plugin-workspaces-node';
import { ConsoleLeaseStore } from '../database/ConsoleLeaseStore';
import { ConsoleRecordingStore } from '../database/ConsoleRecordingStore';
import { ShareStore } from '../database/ShareStore';
import { SnapshotStore } from '../database/SnapshotStore';
import type {
  ConsoleSessionEnd,
  WorkspaceRecord,
  WorkspaceStore,
} from '../database/WorkspaceStore';
import type { WorkspaceQuery } from '../permissions/rules';
import { extendedExpiry, utcMinute } from './extendExpiry';
import { FileTransfer, type FileTransferConfig } from './fileTransfer';
import { toWorkspace, withLiveStatus } from './liveStatus';
import {
  accountName,
  orderedRecord,
  quotaError,
  validateOrder,
} from './orderValidation';
import type { ProviderRegistry } from './ProviderRegistry';
import { Reconciler, type Reconciled } from './Reconciler';
import { recordingOff } from '../recording/recordingConfig';
import { Recordings } from '../recording/Recordings';
import type { RecordingFacts } from '../recording/SessionRecorder';
import type { WorkspaceNotifier } from './WorkspaceNotifier';
import { WorkspaceSharing } from './WorkspaceSharing';
import { WorkspaceSnapshotService } from './snapshots';
import { measureUsage } from './usage';
import { actorOf, WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import { WorkspaceViews } from './WorkspaceViews';
import type { WorkspacesConfig } from './WorkspacesConfig';

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

/** One line of a desktop's history, as the service writes it. */
export interface AuditEntry {
  workspace: string;
  actor: string;
  action: string;
  outcome: 'succeeded' | 'failed';
  message?: string;
  /** The recording of the console session this entry ends. */
  recordingId?: string;
}

/**
 * The life of every desktop, and the only code that reads or writes their
 * records or calls their providers. Routes, the console proxy and
 * housekeeping all go through here, so they apply the same rules. Order
 * checks live in orderValidation, permission questions in
 * WorkspaceAuthorizer and the join with live status in liveStatus.
 */
export class WorkspaceService {
  private readonly authorizer: WorkspaceAuthorizer;
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

  constructor(private readonly options: WorkspaceServiceOptions) {
    this.authorizer = new WorkspaceAuthorizer({
      ...options,
      // With its grants, which the isSharedWith rule reads.
      load: name => this.sharing.load(name),
    });
    this.reconciler = new Reconciler({
      ...options,
      reconcileAfterMs: options.config.reconcileAfterMs,
      isBusy: name => this.busy.has(name),
      audit: entry => this.audit(entry),
    });
    this.files = new FileTransfer({
      authorizer: this.authorizer,
      providers: options.providers,
      audit: entry => this.audit(entry),
      config: options.files,
    });
    this.snapshots = new WorkspaceSnapshotService({
      ...options,
      authorizer: this.authorizer,
      store: options.store.sharing(db => new SnapshotStore(db)),
      audit: entry => this.audit(entry),
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
      audit: entry => this.audit(entry),
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
  }

  /** See {@link Reconciler.run}. */
  reconcile(now?: Date): Promise<Reconciled> {
    return this.reconciler.run(now);
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

  /** See {@link WorkspaceAuthorizer.isAllowed}. */
  isAllowed(...args: Parameters<WorkspaceAuthorizer['isAllowed']>) {
    return this.authorizer.isAllowed(...args);
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

  list(
    credentials: BackstageCredentials,
    filter: { owners?: string[] },
  ): Promise<Workspace[]> {
    return this.views.list(credentials, filter);
  }

  get(credentials: BackstageCredentials, name: string): Promise<Workspace> {
    return this.views.get(credentials, name);
  }

  /** See {@link WorkspaceViews.listAll}. */
  listAll(): Promise<Workspace[]> {
    return this.views.listAll();
  }

  /** See {@link WorkspaceViews.listActive}. */
  listActive(): Promise<
    Array<{ record: WorkspaceRecord; workspace: Workspace }>
  > {
    return this.views.listActive();
  }

  async create(
    credentials: BackstageCredentials,
    body: unknown,
    options: { dryRun?: boolean } = {},
  ): Promise<Workspace> {
    const { config, providers, store } = this.options;
    const order = validateOrder(
      body,
      config,
      providers.clusters(),
      providers.defaultCluster(),
    );
    const { owner, userEntityRef } = await this.authorizer.authorizeOrder(
      credentials,
      order.request.owner,
    );
    const record = orderedRecord(order, owner, userEntityRef, new Date());

    if (options.dryRun) {
      if (await store.get(record.name)) {
        throw new ConflictError(
          `A desktop named '${record.name}' already exists`,
        );
      }
      const held = (await store.list({ owners: [owner] })).length;
      if (held >= config.limits.maxPerOwner) {
        throw quotaError(owner, held, config.limits.maxPerOwner);
      }
      return toWorkspace(record, {
        phase: 'Provisioning',
        ready: false,
        message: 'Dry run: the order is valid and nothing was created',
      });
    }

    const reserved = await store.reserve(record, config.limits.maxPerOwner);
    if (!reserved.ok) {
      throw quotaError(owner, reserved.held, config.limits.maxPerOwner);
    }
    let machine: ProviderWorkspace;
    let finishedElsewhere = false;
    // Busy until the record is active, so reconciliation here leaves it alone.
    this.busy.add(record.name);
    try {
      machine = await providers.forCluster(record.cluster).create({
        name: record.name,
        cluster: record.cluster,
        image: order.image,
        size: order.size,
        diskGi: order.diskGi,
        owner,
        createdBy: userEntityRef,
        username: accountName(order.image.defaultUser, userEntityRef),
        expiresAt: record.expiresAt?.toISOString(),
      });
      // Another backend process that started meanwhile may have settled the
      // record: finished it (and said so), or rolled it back, and then this
      // machine must go too.
      if (!(await store.transition(record.name, 'creating', 'active'))) {
        if ((await store.get(record.name))?.state !== 'active') {
          throw new ServiceUnavailableError(
            `The order of '${record.name}' was rolled back while it was being made, by a backend process that restarted; order it again`,
          );
        }
        finishedElsewhere = true;
      }
    } catch (error) {
      assertError(error);
      await this.rollbackCreate(record, error, actorOf(credentials));
      throw error;
    } finally {
      this.busy.delete(record.name);
    }
    record.state = 'active';
    const workspace = toWorkspace(record, machine.status, machine.namespace);
    if (finishedElsewhere) return workspace;
    await this.audit({
      workspace: record.name,
      actor: actorOf(credentials),
      action: 'create',
      outcome: 'succeeded',
    });
    await this.options.onChange('created', workspace);
    return workspace;
  }

  // Leaves neither a record without a machine nor a machine without a record.
  private async rollbackCreate(
    record: WorkspaceRecord,
    error: Error,
    actor: string,
  ) {
    // A conflict means the name belongs to a machine someone else made; it is not ours to remove.
    if (error.name !== 'ConflictError') {
      try {
        await this.options.providers.deleteMachine(record);
      } catch (cleanupError) {
        assertError(cleanupError);
        this.options.logger.error(
          `Could not clean up desktop ${record.name} after a failed create`,
          cleanupError,
        );
      }
    }
    await this.options.store.remove(record.name, 'creating');
    await this.audit({
      workspace: record.name,
      actor,
      action: 'create',
      outcome: 'failed',
      message: error.message,
    });
  }

  async runAction(
    credentials: BackstageCredentials,
    name: string,
    action: WorkspaceAction,
  ): Promise<Workspace> {
    const record = await this.authorizer.authorizeRecord(
      name,
      workspaceLifecyclePermission,
      credentials,
    );
    if (record.state !== 'active') throw busyError(name, record.state);
    const entry = { workspace: name, actor: actorOf(credentials), action };
    try {
      await this.options.providers
        .forCluster(record.cluster)
        [action]({ name: record.name, cluster: record.cluster });
    } catch (error) {
      assertError(error);
      await this.audit({ ...entry, outcome: 'failed', message: error.message });
      throw error;
    }
    if (action !== 'stop') await this.options.store.touch(name, new Date());
    await this.audit({ ...entry, outcome: 'succeeded' });
    const workspace = await this.get(credentials, name);
    await this.options.onChange('changed', workspace);
    return workspace;
  }

  /** Moves the expiry later: see {@link extendedExpiry}. */
  async extend(
    credentials: BackstageCredentials,
    name: string,
    body: unknown,
  ): Promise<Workspace> {
    const { store, config } = this.options;
    const record = await this.authorizer.authorizeRecord(
      name,
      workspaceLifecyclePermission,
      credentials,
    );
    if (record.state !== 'active') throw busyError(name, record.state);
    const until = extendedExpiry(record, body, config.limits.lifetimeHours.max);
    if (!(await store.setExpiry(name, record.expiresAt, until))) {
      throw new ConflictError(
        `The desktop '${name}' changed meanwhile; extend it again`,
      );
    }
    await this.audit({
      workspace: name,
      actor: actorOf(credentials),
      action: 'extend',
      outcome: 'succeeded',
      message: `expires ${utcMinute(until)}`,
    });
    const workspace = await this.get(credentials, name);
    await this.options.onChange('changed', workspace);
    return workspace;
  }

  /** What the desktop uses now, for those who may read it. */
  async usage(
    credentials: BackstageCredentials,
    name: string,
  ): Promise<WorkspaceUsage> {
    const record = await this.authorizer.authorizeRecord(
      name,
      workspaceReadPermission,
      credentials,
    );
    return measureUsage(record, this.options.providers);
  }

  /**
   * Stops a desktop on the system's behalf (its lifetime ended, or it sat
   * idle), with the reason in the audit log, and announces the change.
   */
  async stopBySystem(record: WorkspaceRecord, actor: string, reason: string) {
    await this.actBySystem(record, 'stop', actor, reason);
  }

  /**
   * Starts or stops a desktop on the system's behalf (housekeeping, working
   * hours), audited like a person's action. A start counts as use from that
   * moment, or an idle stop would follow at once.
   */
  async actBySystem(
    record: WorkspaceRecord,
    action: 'start' | 'stop',
    actor: string,
    reason: string,
    now = new Date(),
  ) {
    const { providers, store } = this.options;
    const entry = { workspace: record.name, actor, action };
    try {
      await providers
        .forCluster(record.cluster)
        [action]({ name: record.name, cluster: record.cluster });
    } catch (error) {
      assertError(error);
      await this.audit({
        ...entry,
        outcome: 'failed',
        message: `${reason}: ${error.message}`,
      });
      throw error;
    }
    let current = record;
    if (action === 'start') {
      await store.touch(record.name, now);
      current = { ...record, lastActivityAt: now };
    }
    await this.audit({ ...entry, outcome: 'succeeded', message: reason });
    const [workspace] = await withLiveStatus([current], providers);
    await this.options.onChange('changed', workspace);
  }

  async delete(credentials: BackstageCredentials, name: string): Promise<void> {
    const record = await this.authorizer.authorizeRecord(
      name,
      workspaceDeletePermission,
      credentials,
    );
    await this.deleteRecord(record, actorOf(credentials));
  }

  /**
   * Removes the machine, then the record; shared by the route and expiry.
   * Only the request that moves the record out of `active` goes on, so two
   * deletes at once delete and audit once.
   */
  async deleteRecord(record: WorkspaceRecord, actor: string) {
    const { store, providers } = this.options;
    const entry = { workspace: record.name, actor, action: 'delete' };
    if (!(await store.transition(record.name, 'active', 'deleting'))) {
      const current = await store.get(record.name);
      throw busyError(record.name, current?.state ?? 'deleting');
    }
    let removed: boolean;
    this.busy.add(record.name);
    try {
      await providers.deleteMachine(record);
      // False when a restarted backend process finished this delete already.
      removed = await store.remove(record.name, 'deleting');
    } catch (error) {
      assertError(error);
      // The record stays, back in service, so the delete can be retried.
      await store.transition(record.name, 'deleting', 'active');
      await this.audit({ ...entry, outcome: 'failed', message: error.message });
      throw error;
    } finally {
      this.busy.delete(record.name);
    }
    if (!removed) return;
    await this.audit({ ...entry, outcome: 'succeeded' });
    await this.snapshots.deleteWith(record, actor);
    await this.sharing.deleteWith(record);
    await this.options.onChange(
      'deleted',
      toWorkspace(record, { phase: 'Terminating', ready: false }),
    );
  }

  async auditLog(credentials: BackstageCredentials, name: string) {
    await this.authorizer.authorizeRecord(
      name,
      workspaceReadPermission,
      credentials,
    );
    return this.options.store.auditLog(name);
  }

  /**
   * Opens the desktop's screen for a console session the proxy has already
   * authorized, and records that the session started. `leasedSession` is
   * the session row the proxy already inserted as the person's console seat.
   */
  async openConsole(
    record: WorkspaceRecord,
    actor: string,
    options: ConsoleOptions,
    leasedSession?: number,
  ): Promise<{ sessionId: number; stream: Promise<ConsoleStream> }> {
    const sessionId =
      leasedSession ??
      (await this.options.store.startConsoleSession(record.name, actor));
    const stream = this.options.providers
      .forCluster(record.cluster)
      .openConsole({ name: record.name, cluster: record.cluster }, options);
    return { sessionId, stream };
  }

  /** A console session in use keeps its desktop from counting as idle. */
  async recordConsoleActivity(record: WorkspaceRecord) {
    await this.options.store.touch(record.name, new Date());
  }

  /** Records how a console session ended; the desktop counts as used. */
  async closeConsole(
    record: WorkspaceRecord,
    actor: string,
    sessionId: number,
    end: ConsoleSessionEnd & {
      seconds: number;
      /** Settles once the session's recording is closed. */
      recording?: Promise<RecordingFacts>;
    },
  ) {
    const { recordingId, recordingNote } = (await end.recording) ?? {};
    await Promise.all([
      this.options.store.endConsoleSession(sessionId, end),
      this.options.store.touch(record.name, new Date()),
      this.audit({
        workspace: record.name,
        actor,
        action: 'console',
        outcome: 'succeeded',
        message: `${end.seconds} s, ${end.bytesToDesktop} B to and ${
          end.bytesFromDesktop
        } B from the desktop, closed ${end.closeCode} ${end.closeReason}${
          recordingId ? `; recorded as ${recordingId}` : ''
        }${recordingNote ? `; ${recordingNote}` : ''}`,
        recordingId,
      }),
    ]);
  }

  /**
   * Every lifecycle and console event goes to the auditor service, where
   * operators collect security events, and to the desktop's own history,
   * which its owner reads through `/workspaces/:name/audit`.
   */
  async audit(entry: AuditEntry) {
    await this.options.store.audit(entry);
    const event = await this.options.auditor.createEvent({
      eventId: `workspace-${entry.action}`,
      severityLevel: entry.action === 'console' ? 'low' : 'medium',
      meta: {
        workspace: entry.workspace,
        actor: entry.actor,
        ...(entry.recordingId && { recordingId: entry.recordingId }),
      },
    });
    if (entry.outcome === 'succeeded') {
      await event.success(
        entry.message ? { meta: { message: entry.message } } : undefined,
      );
    } else {
      await event.fail({ error: new Error(entry.message ?? 'failed') });
    }
  }
}

/** The refusal of a change to a desktop another request is changing. */
function busyError(name: string, state: WorkspaceRecord['state']) {
  return new ConflictError(
    state === 'creating'
      ? `The desktop '${name}' is still being created`
      : `The desktop '${name}' is already being deleted`,
  );
}
