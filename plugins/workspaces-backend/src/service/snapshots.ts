// A little over 300 lines on purpose: every call to a provider's snapshots
// and every snapshot audit entry is in this one class; checks that need
// none of that are in snapshotRules.
import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  assertError,
  ConflictError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import {
  workspaceLifecyclePermission,
  workspaceReadPermission,
  type WorkspaceSnapshot,
  type WorkspaceSnapshotList,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ProviderSnapshot,
  WorkspaceRef,
  WorkspaceSnapshots,
} from '@desktop-mania/plugin-workspaces-node';
import type { SnapshotRecord, SnapshotStore } from '../database/SnapshotStore';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { ProviderRegistry } from './ProviderRegistry';
import {
  DEFAULT_MAX_PER_WORKSPACE,
  keepFlag,
  mustBeStopped,
  snapshotName,
  toSnapshot,
  type SnapshotsConfig,
} from './snapshotRules';
import { actorOf, type WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import type { AuditEntry } from './WorkspaceService';

/**
 * Named snapshots of desktops. The workspace service builds it with its own
 * authorizer, providers and audit log, as it does file transfer; this keeps
 * the records, the limit and the rules of taking and restoring apart.
 */
export class WorkspaceSnapshotService {
  constructor(
    private readonly options: {
      authorizer: WorkspaceAuthorizer;
      providers: ProviderRegistry;
      store: SnapshotStore;
      audit(entry: AuditEntry): Promise<void>;
      config?: SnapshotsConfig;
      logger: LoggerService;
    },
  ) {}

  private get max() {
    return this.options.config?.maxPerWorkspace ?? DEFAULT_MAX_PER_WORKSPACE;
  }

  private snapshotsOf(record: WorkspaceRecord): WorkspaceSnapshots | undefined {
    return this.options.providers.forCluster(record.cluster).snapshots;
  }

  /** The desktop, if the caller holds `permission` on it, with its provider's snapshots. */
  private async open(
    credentials: BackstageCredentials,
    name: string,
    permission = workspaceLifecyclePermission,
  ) {
    const record = await this.options.authorizer.authorizeRecord(
      name,
      permission,
      credentials,
    );
    const snapshots = this.snapshotsOf(record);
    if (!snapshots && permission !== workspaceReadPermission) {
      throw new NotImplementedError(
        `The desktop '${name}' runs on cluster '${record.cluster}', whose provider takes no snapshots`,
      );
    }
    const ref: WorkspaceRef = { name: record.name, cluster: record.cluster };
    return { record, ref, snapshots: snapshots! };
  }

  private async mustGet(record: WorkspaceRecord, snapshot: string) {
    const found = await this.options.store.get(
      record.name,
      snapshot,
      record.owner,
    );
    if (!found) {
      throw new NotFoundError(
        `The desktop '${record.name}' has no snapshot named '${snapshot}'`,
      );
    }
    return found;
  }

  /** Records the provider's view of a snapshot when it differs from the record. */
  private async settle(
    row: SnapshotRecord,
    live: ProviderSnapshot | undefined,
  ): Promise<SnapshotRecord> {
    const next = live
      ? { state: live.state, message: live.message }
      : {
          state: 'failed' as const,
          message: 'Its provider no longer holds it',
        };
    if (next.state === row.state && next.message === row.message) return row;
    await this.options.store.update(row.workspace, row.name, next);
    return { ...row, ...next };
  }

  async list(
    credentials: BackstageCredentials,
    name: string,
  ): Promise<WorkspaceSnapshotList> {
    const { record, ref, snapshots } = await this.open(
      credentials,
      name,
      workspaceReadPermission,
    );
    let rows = await this.options.store.list(record.name, record.owner);
    if (snapshots && rows.some(r => r.state !== 'failed')) {
      try {
        const live = await snapshots.list(ref);
        rows = await Promise.all(
          rows.map(r =>
            r.state === 'failed' || !r.providerRef
              ? r
              : this.settle(
                  r,
                  live.find(l => l.ref === r.providerRef),
                ),
          ),
        );
      } catch (error) {
        // The records still answer while the cluster does not.
        assertError(error);
        this.options.logger.warn(
          `Could not read the snapshots of '${name}' from its provider: ${error.message}`,
        );
      }
    }
    return {
      items: rows.map(toSnapshot),
      max: this.max,
      supported: !!snapshots,
      requiresStopped: snapshots?.requiresStopped ?? {
        take: false,
        restore: false,
      },
    };
  }

  async take(
    credentials: BackstageCredentials,
    name: string,
    body: unknown,
  ): Promise<WorkspaceSnapshot> {
    const snapshot = snapshotName(body);
    const { record, ref, snapshots } = await this.open(credentials, name);
    if (record.state !== 'active') {
      throw new ConflictError(`The desktop '${name}' is not in service`);
    }
    if (snapshots.requiresStopped.take) {
      await mustBeStopped(
        this.options.providers,
        record.cluster,
        ref,
        'its snapshot is taken',
      );
    }
    const actor = actorOf(credentials);
    const row: SnapshotRecord = {
      workspace: record.name,
      name: snapshot,
      owner: record.owner,
      createdBy: actor,
      createdAt: new Date().toISOString(),
      state: 'in-progress',
      keep: false,
      providerRef: '',
    };
    const added = await this.options.store.add(row, this.max);
    if (!added.ok) {
      throw new ConflictError(
        `The desktop '${name}' holds ${added.held} snapshots, its limit; delete one first`,
      );
    }
    const entry = {
      workspace: name,
      actor,
      action: 'snapshot',
      message: snapshot,
    };
    let taken: ProviderSnapshot;
    try {
      taken = await snapshots.take(ref, snapshot);
    } catch (error) {
      assertError(error);
      await this.options.store.remove(record.name, snapshot);
      await this.options.audit({
        ...entry,
        outcome: 'failed',
        message: `${snapshot}: ${error.message}`,
      });
      throw error;
    }
    const done = {
      ...row,
      providerRef: taken.ref,
      state: taken.state,
      message: taken.message,
    };
    await this.options.store.update(record.name, snapshot, {
      state: done.state,
      message: done.message,
    });
    await this.options.store.setProviderRef(record.name, snapshot, taken.ref);
    await this.options.audit({ ...entry, outcome: 'succeeded' });
    return toSnapshot(done);
  }

  async restore(
    credentials: BackstageCredentials,
    name: string,
    snapshot: string,
  ): Promise<WorkspaceSnapshot> {
    const { record, ref, snapshots } = await this.open(credentials, name);
    if (record.state !== 'active') {
      throw new ConflictError(`The desktop '${name}' is not in service`);
    }
    const row = await this.mustGet(record, snapshot);
    if (row.state !== 'ready') {
      throw new ConflictError(
        `The snapshot '${snapshot}' of '${name}' is ${row.state}, not ready to restore`,
      );
    }
    if (snapshots.requiresStopped.restore) {
      await mustBeStopped(
        this.options.providers,
        record.cluster,
        ref,
        'a snapshot is restored',
      );
    }
    const entry = {
      workspace: name,
      actor: actorOf(credentials),
      action: 'snapshot-restore',
    };
    let restored: ProviderSnapshot;
    try {
      restored = await snapshots.restore(ref, row.providerRef);
    } catch (error) {
      assertError(error);
      await this.options.audit({
        ...entry,
        outcome: 'failed',
        message: `${snapshot}: ${error.message}`,
      });
      throw error;
    }
    await this.options.store.update(record.name, snapshot, {
      state: restored.state,
      message: restored.message,
    });
    await this.options.audit({
      ...entry,
      outcome: 'succeeded',
      message: snapshot,
    });
    return toSnapshot({
      ...row,
      state: restored.state,
      message: restored.message,
    });
  }

  async delete(
    credentials: BackstageCredentials,
    name: string,
    snapshot: string,
  ): Promise<void> {
    const { record, ref, snapshots } = await this.open(credentials, name);
    const row = await this.mustGet(record, snapshot);
    await this.remove(ref, snapshots, row, actorOf(credentials));
  }

  async setKeep(
    credentials: BackstageCredentials,
    name: string,
    snapshot: string,
    body: unknown,
  ): Promise<WorkspaceSnapshot> {
    const keep = keepFlag(body);
    const { record } = await this.open(credentials, name);
    const row = await this.mustGet(record, snapshot);
    await this.options.store.update(record.name, snapshot, { keep });
    await this.options.audit({
      workspace: name,
      actor: actorOf(credentials),
      action: 'snapshot-keep',
      outcome: 'succeeded',
      message: `${snapshot}: ${keep ? 'kept' : 'no longer kept'}`,
    });
    return toSnapshot({ ...row, keep });
  }

  private async remove(
    ref: WorkspaceRef,
    snapshots: WorkspaceSnapshots,
    row: SnapshotRecord,
    actor: string,
    reason?: string,
  ) {
    const entry = {
      workspace: row.workspace,
      actor,
      action: 'snapshot-delete',
    };
    try {
      if (row.providerRef) await snapshots.delete(ref, row.providerRef);
    } catch (error) {
      assertError(error);
      await this.options.audit({
        ...entry,
        outcome: 'failed',
        message: `${row.name}: ${error.message}`,
      });
      throw error;
    }
    await this.options.store.remove(row.workspace, row.name);
    await this.options.audit({
      ...entry,
      outcome: 'succeeded',
      message: reason ? `${row.name}: ${reason}` : row.name,
    });
  }

  /**
   * Deletes the snapshots of a desktop that was just deleted, except the
   * kept ones. Never throws: the desktop is gone either way, and a snapshot
   * left behind is in the audit log and the logs for an operator.
   */
  async deleteWith(record: WorkspaceRecord, actor: string): Promise<void> {
    const snapshots = this.snapshotsOf(record);
    const ref = { name: record.name, cluster: record.cluster };
    let rows: SnapshotRecord[] = [];
    try {
      rows = await this.options.store.list(record.name, record.owner);
    } catch (error) {
      assertError(error);
      this.options.logger.error(
        `Could not list the snapshots of the deleted desktop '${record.name}'`,
        error,
      );
    }
    for (const row of rows.filter(r => !r.keep)) {
      try {
        if (snapshots) {
          await this.remove(
            ref,
            snapshots,
            row,
            actor,
            'its desktop was deleted',
          );
        } else {
          await this.options.store.remove(row.workspace, row.name);
        }
      } catch (error) {
        assertError(error);
        this.options.logger.error(
          `Could not delete the snapshot '${row.name}' of the deleted desktop '${record.name}'`,
          error,
        );
      }
    }
  }
}
