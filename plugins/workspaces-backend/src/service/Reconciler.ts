import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceChangeType } from '@desktop-mania/plugin-workspaces-node';
import type {
  WorkspaceRecord,
  WorkspaceStore,
} from '../database/WorkspaceStore';
import { toWorkspace } from './liveStatus';
import type { ProviderRegistry } from './ProviderRegistry';
import type { AuditEntry } from './WorkspaceService';

const ACTOR = 'system:workspaces-recovery';

/** The WebSocket close code for "the server is restarting". */
const SERVICE_RESTART = 1012;

/** What one pass settled. */
export interface Reconciled {
  /** Records finished or rolled back. */
  records: number;
  /** Console sessions given the end a crash denied them. */
  sessions: number;
  /** Records left for the next pass, because their cluster did not answer. */
  failed: number;
}

/**
 * Part of the workspace service, in its own file because the service is long
 * enough: it finishes or rolls back what a crash left half done, with the
 * service's store, providers, audit and events (so `ownership.test.ts` lists
 * it beside the service). A killed backend leaves a record `creating` or
 * `deleting` that no request will ever move on, and console sessions that no
 * process relays any more; this settles them against what the provider
 * reports.
 */
export class Reconciler {
  /** Work recorded before this process started cannot be under way in it. */
  private readonly startedAt = new Date();

  constructor(
    private readonly options: {
      store: WorkspaceStore;
      providers: ProviderRegistry;
      reconcileAfterMs: number;
      logger: LoggerService;
      /** Whether this process is creating or deleting the desktop right now. */
      isBusy(name: string): boolean;
      audit(entry: AuditEntry): Promise<void>;
      onChange(
        change: WorkspaceChangeType,
        workspace: Workspace,
      ): Promise<void>;
    },
  ) {}

  /**
   * Settles records that have been creating or deleting for longer than the
   * configured time, or since before this process started, and ends console
   * sessions an earlier process opened.
   */
  async run(now = new Date()): Promise<Reconciled> {
    const { store, logger, isBusy } = this.options;
    const cutoff = new Date(
      Math.max(
        now.getTime() - this.options.reconcileAfterMs,
        this.startedAt.getTime(),
      ),
    );
    const result: Reconciled = { records: 0, sessions: 0, failed: 0 };
    for (const record of await store.unsettled(cutoff)) {
      if (isBusy(record.name)) continue;
      try {
        if (await this.settle(record)) result.records++;
      } catch (error) {
        assertError(error);
        result.failed++;
        logger.warn(
          `Could not settle desktop ${record.name}, ${record.state} since a restart; retrying on the next pass: ${error.message}`,
        );
      }
    }
    result.sessions = await this.endOrphanSessions();
    return result;
  }

  /** False when another process settled it first. */
  private async settle(record: WorkspaceRecord): Promise<boolean> {
    const { store, audit } = this.options;
    const ref = { name: record.name, cluster: record.cluster };
    const entry = { workspace: record.name, actor: ACTOR };

    if (record.state === 'creating') {
      const machine = await this.options.providers
        .forCluster(record.cluster)
        .get(ref);
      // A machine of another owner is one the order collided with, not ours.
      const ours =
        machine &&
        (!machine.owner ||
          machine.owner.toLocaleLowerCase('en-US') ===
            record.owner.toLocaleLowerCase('en-US'));
      if (ours) {
        if (!(await store.transition(record.name, 'creating', 'active'))) {
          return false;
        }
        await audit({
          ...entry,
          action: 'create',
          outcome: 'succeeded',
          message: 'finished after a restart',
        });
        await this.options.onChange(
          'created',
          toWorkspace(
            { ...record, state: 'active' },
            machine.status,
            machine.namespace,
          ),
        );
        return true;
      }
      // Whatever the provider made before the crash goes with the record.
      if (!machine) await this.options.providers.deleteMachine(ref);
      if (!(await store.remove(record.name, 'creating'))) return false;
      await audit({
        ...entry,
        action: 'create',
        outcome: 'failed',
        message: `rolled back after a restart: ${
          machine
            ? 'the name belongs to a desktop of another owner'
            : 'the provider has no such desktop'
        }`,
      });
      return true;
    }

    await this.options.providers.deleteMachine(ref);
    if (!(await store.remove(record.name, 'deleting'))) return false;
    await audit({
      ...entry,
      action: 'delete',
      outcome: 'succeeded',
      message: 'finished after a restart',
    });
    await this.options.onChange(
      'deleted',
      toWorkspace(record, { phase: 'Terminating', ready: false }),
    );
    return true;
  }

  private async endOrphanSessions(): Promise<number> {
    const ended = await this.options.store.endSessionsStartedBefore(
      this.startedAt,
      { closeCode: SERVICE_RESTART, closeReason: 'the portal restarted' },
    );
    for (const session of ended) {
      await this.options.audit({
        workspace: session.workspace,
        actor: session.actor,
        action: 'console',
        outcome: 'failed',
        message: `opened ${session.startedAt.toISOString()}, closed ${SERVICE_RESTART} the portal restarted`,
      });
    }
    return ended.length;
  }
}
