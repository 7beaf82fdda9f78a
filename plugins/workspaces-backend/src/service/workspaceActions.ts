import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { assertError, ConflictError } from '@backstage/errors';
import {
  workspaceDeletePermission,
  workspaceLifecyclePermission,
  workspaceReadPermission,
  type Workspace,
  type WorkspaceAction,
  type WorkspaceUsage,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceChangeType } from '@desktop-mania/plugin-workspaces-node';
import type {
  WorkspaceRecord,
  WorkspaceStore,
} from '../database/WorkspaceStore';
import { ExpiryCopies } from './expiryCopies';
import { extendedExpiry, utcMinute } from './extendExpiry';
import { toWorkspace, withLiveStatus } from './liveStatus';
import type { ProviderRegistry } from './ProviderRegistry';
import { measureUsage } from './usage';
import { actorOf, type WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import type { WorkspacesConfig } from './WorkspacesConfig';
import type { AuditEntry } from './workspaceAudit';

/**
 * Part of the workspace service, in its own file because the service is long
 * enough: it starts, stops, extends and deletes desktops, for people and for
 * the system, and measures what one uses, with the service's store,
 * providers, audit and events (so `ownership.test.ts` lists it beside the
 * service), and only the service builds it.
 */
export class WorkspaceActions {
  private readonly expiries: ExpiryCopies;

  constructor(
    private readonly options: {
      store: WorkspaceStore;
      providers: ProviderRegistry;
      config: WorkspacesConfig;
      authorizer: WorkspaceAuthorizer;
      logger: LoggerService;
      /** The service's desktops being created or deleting in this process. */
      busy: Set<string>;
      audit(entry: AuditEntry): Promise<void>;
      onChange(
        change: WorkspaceChangeType,
        workspace: Workspace,
      ): Promise<void>;
      /** The desktop as its caller sees it after a change. */
      get(credentials: BackstageCredentials, name: string): Promise<Workspace>;
      /** Removes what else belonged to a deleted desktop (snapshots, shares). */
      deleteWith(record: WorkspaceRecord, actor: string): Promise<void>;
    },
  ) {
    const { store, providers, logger } = options;
    this.expiries = new ExpiryCopies({
      get: name => store.get(name),
      list: () => store.list(),
      providerFor: cluster => providers.forCluster(cluster),
      logger,
    });
  }

  async runAction(
    credentials: BackstageCredentials,
    name: string,
    action: WorkspaceAction,
  ): Promise<Workspace> {
    const record = await this.options.authorizer.authorizeRecord(
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
      await this.options.audit({
        ...entry,
        outcome: 'failed',
        message: error.message,
      });
      throw error;
    }
    if (action !== 'stop') await this.options.store.touch(name, new Date());
    await this.options.audit({ ...entry, outcome: 'succeeded' });
    const workspace = await this.options.get(credentials, name);
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
    const record = await this.options.authorizer.authorizeRecord(
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
    // The record decides; a copy the cluster refuses is retried later.
    await this.expiries.tell({ ...record, expiresAt: until });
    await this.options.audit({
      workspace: name,
      actor: actorOf(credentials),
      action: 'extend',
      outcome: 'succeeded',
      message: `expires ${utcMinute(until)}`,
    });
    const workspace = await this.options.get(credentials, name);
    await this.options.onChange('changed', workspace);
    return workspace;
  }

  /** See {@link ExpiryCopies.retell}; the reconcile pass calls it. */
  retellExpiries(): Promise<void> {
    return this.expiries.retell();
  }

  /** What the desktop uses now, for those who may read it. */
  async usage(
    credentials: BackstageCredentials,
    name: string,
  ): Promise<WorkspaceUsage> {
    const record = await this.options.authorizer.authorizeRecord(
      name,
      workspaceReadPermission,
      credentials,
    );
    return measureUsage(record, this.options.providers);
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
      await this.options.audit({
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
    await this.options.audit({
      ...entry,
      outcome: 'succeeded',
      message: reason,
    });
    const [workspace] = await withLiveStatus([current], providers);
    await this.options.onChange('changed', workspace);
  }

  async delete(credentials: BackstageCredentials, name: string): Promise<void> {
    const record = await this.options.authorizer.authorizeRecord(
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
    const { store, providers, busy } = this.options;
    const entry = { workspace: record.name, actor, action: 'delete' };
    if (!(await store.transition(record.name, 'active', 'deleting'))) {
      const current = await store.get(record.name);
      throw busyError(record.name, current?.state ?? 'deleting');
    }
    let removed: boolean;
    busy.add(record.name);
    try {
      await providers.deleteMachine(record);
      // False when a restarted backend process finished this delete already.
      removed = await store.remove(record.name, 'deleting');
    } catch (error) {
      assertError(error);
      // The record stays, back in service, so the delete can be retried.
      await store.transition(record.name, 'deleting', 'active');
      await this.options.audit({
        ...entry,
        outcome: 'failed',
        message: error.message,
      });
      throw error;
    } finally {
      busy.delete(record.name);
    }
    if (!removed) return;
    await this.options.audit({ ...entry, outcome: 'succeeded' });
    await this.options.deleteWith(record, actor);
    await this.options.onChange(
      'deleted',
      toWorkspace(record, { phase: 'Terminating', ready: false }),
    );
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
