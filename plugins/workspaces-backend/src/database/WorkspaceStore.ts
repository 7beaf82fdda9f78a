import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import type { WorkspaceQuery } from '../permissions/rules';
import type {
  WorkspaceAuditEvent,
  WorkspaceOs,
} from '@desktop-mania/plugin-workspaces-common';
import { MIGRATION_WAIT_MS, migrate } from './migrate';
import {
  fromRow,
  isUniqueViolation,
  toDate,
  toRow,
  whereAllowed,
  type Row,
} from './rows';

/**
 * A desktop as the backend records it; live status comes from the provider.
 *
 * @public
 */
export interface WorkspaceRecord {
  name: string;
  cluster: string;
  provider: string;
  os: WorkspaceOs;
  image: string;
  size: string;
  diskGi: number;
  owner: string;
  createdBy: string;
  template?: string;
  system?: string;
  state: 'creating' | 'active' | 'deleting';
  createdAt: Date;
  expiresAt?: Date;
  lastActivityAt: Date;
  /** Its unexpired shares, where it was loaded to be authorized. */
  grants?: WorkspaceGrant[];
}

/** A share as permission rules read it. @public */
export interface WorkspaceGrant {
  grantee: string;
  mode: 'view' | 'control';
  expiresAt: Date;
}

export interface ConsoleSessionEnd {
  bytesToDesktop: number;
  bytesFromDesktop: number;
  closeCode: number;
  closeReason: string;
}

/** Thrown inside the reservation to roll back its insert. */
class QuotaReached extends Error {
  constructor(readonly held: number) {
    super('quota reached');
  }
}

/** Records of desktops, their audit log and console sessions. */
export class WorkspaceStore {
  static async create(options: {
    database: DatabaseService;
    /** How long to wait for another replica's migrations. */
    migrationWaitMs?: number;
  }): Promise<WorkspaceStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await migrate(client, options.migrationWaitMs ?? MIGRATION_WAIT_MS);
    }
    return new WorkspaceStore(client);
  }

  constructor(private readonly db: Knex) {}

  /**
   * A store of another table these migrations made, on this store's
   * connection, so tests and the plugin build both from one client.
   */
  sharing<T>(make: (db: Knex) => T): T {
    return make(this.db);
  }

  /**
   * Reserves the name and checks the owner's quota in one transaction, so two
   * concurrent orders can neither share a name nor both pass a full quota.
   * The insert comes before the count: on SQLite it takes the one write lock
   * first, where a count first would hold only a read lock that another
   * transaction can hold too. PostgreSQL at READ COMMITTED would still let two
   * inserts each count without the other, so the owner's orders also queue on
   * a lock held until commit.
   */
  async reserve(
    record: WorkspaceRecord,
    maxPerOwner: number,
  ): Promise<{ ok: true } | { ok: false; held: number }> {
    const owner = record.owner.toLocaleLowerCase('en-US');
    try {
      return await this.db.transaction(async tx => {
        if (tx.client.config.client === 'pg') {
          await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [
            `workspaces.owner:${owner}`,
          ]);
        }
        await tx('workspaces').insert(toRow(record));
        const [{ count }] = await tx('workspaces')
          .whereRaw('lower(owner) = ?', [owner])
          .count<{ count: string | number }[]>({ count: '*' });
        const held = Number(count) - 1;
        if (held >= maxPerOwner) throw new QuotaReached(held);
        return { ok: true as const };
      });
    } catch (error) {
      if (error instanceof QuotaReached) {
        return { ok: false, held: error.held };
      }
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `A desktop named '${record.name}' already exists`,
        );
      }
      throw error;
    }
  }

  async get(name: string): Promise<WorkspaceRecord | undefined> {
    const row = await this.db<Row>('workspaces').where({ name }).first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Records, optionally only some owners' and only those a permission
   * decision allows: its conditions become SQL, so a caller never loads
   * desktops it may not see.
   */
  async list(filter?: {
    owners?: string[];
    allowed?: PermissionCriteria<WorkspaceQuery>;
  }): Promise<WorkspaceRecord[]> {
    const query = this.db<Row>('workspaces').orderBy('name');
    if (filter?.owners) query.whereIn('owner', filter.owners);
    const allowed = filter?.allowed;
    if (allowed) query.where(qb => whereAllowed(qb, allowed));
    return (await query).map(fromRow);
  }

  /**
   * Moves a record from one state to another only if it is still in the
   * first; false when another request or process moved it already.
   */
  async transition(
    name: string,
    from: WorkspaceRecord['state'],
    to: WorkspaceRecord['state'],
  ): Promise<boolean> {
    const changed = await this.db('workspaces')
      .where({ name, state: from })
      .update({ state: to, state_changed_at: new Date() });
    return changed > 0;
  }

  /**
   * Records that have been creating or deleting since before `before`: work
   * that no running request is doing any more, unless it is very slow.
   */
  async unsettled(before: Date): Promise<WorkspaceRecord[]> {
    const rows = await this.db<Row>('workspaces')
      .whereIn('state', ['creating', 'deleting'])
      .where(qb =>
        qb
          .where('state_changed_at', '<', before)
          .orWhere(old =>
            old.whereNull('state_changed_at').where('created_at', '<', before),
          ),
      )
      .orderBy('name');
    return rows.map(fromRow);
  }

  /**
   * Moves the expiry only if it is still `from`, so two extensions at once
   * cannot both count from the same old expiry; false when it moved meanwhile.
   */
  async setExpiry(name: string, from: Date | undefined, to: Date) {
    const query = this.db('workspaces').where({ name, state: 'active' });
    if (from) query.where('expires_at', from);
    else query.whereNull('expires_at');
    return (await query.update({ expires_at: to })) > 0;
  }

  async touch(name: string, at: Date) {
    await this.db('workspaces')
      .where({ name })
      .update({ last_activity_at: at });
  }

  /** Removes the record, only while it is in `state` if one is given. */
  async remove(name: string, state?: WorkspaceRecord['state']) {
    const removed = await this.db('workspaces')
      .where(state ? { name, state } : { name })
      .delete();
    return removed > 0;
  }

  async audit(event: Omit<WorkspaceAuditEvent, 'id' | 'at'> & { at?: Date }) {
    await this.db('workspace_audit').insert({
      workspace: event.workspace,
      actor: event.actor,
      action: event.action,
      outcome: event.outcome,
      message: event.message ?? null,
      recording_id: event.recordingId ?? null,
      at: event.at ?? new Date(),
    });
  }

  async auditLog(
    workspace: string,
    limit = 200,
  ): Promise<WorkspaceAuditEvent[]> {
    const rows = await this.db('workspace_audit')
      .where({ workspace })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(row => ({
      id: Number(row.id),
      workspace: row.workspace,
      actor: row.actor,
      action: row.action,
      outcome: row.outcome,
      message: row.message ?? undefined,
      ...(row.recording_id && { recordingId: row.recording_id }),
      at: toDate(row.at).toISOString(),
    }));
  }

  async startConsoleSession(workspace: string, actor: string): Promise<number> {
    const [row] = await this.db('console_sessions')
      .insert({ workspace, actor, started_at: new Date() })
      .returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  }

  /**
   * Ends the sessions started before `before` that have no end: a process
   * that is gone can no longer relay them. Returns what it ended.
   */
  async endSessionsStartedBefore(
    before: Date,
    end: Pick<ConsoleSessionEnd, 'closeCode' | 'closeReason'>,
    now = new Date(),
  ): Promise<Array<{ workspace: string; actor: string; startedAt: Date }>> {
    // Another replica's open sessions keep their lease alive and are not
    // this process's to end; a lease that ran out belongs to a replica that
    // stopped, whenever its session began. Rows without a lease come from a
    // portal before leases and end with the process that opened them.
    const rows = await this.db('console_sessions')
      .whereNull('ended_at')
      .where(q =>
        q
          .where(old =>
            old.whereNull('lease_expires_at').where('started_at', '<', before),
          )
          .orWhere('lease_expires_at', '<', now),
      )
      .select('id', 'workspace', 'actor', 'started_at');
    if (rows.length === 0) return [];
    await this.db('console_sessions')
      .whereIn(
        'id',
        rows.map(r => r.id),
      )
      .whereNull('ended_at')
      .update({
        ended_at: new Date(),
        close_code: end.closeCode,
        close_reason: end.closeReason,
      });
    return rows.map(r => ({
      workspace: r.workspace,
      actor: r.actor,
      startedAt: toDate(r.started_at),
    }));
  }

  async endConsoleSession(id: number, end: ConsoleSessionEnd) {
    await this.db('console_sessions')
      .where({ id })
      .update({
        ended_at: new Date(),
        bytes_to_desktop: end.bytesToDesktop,
        bytes_from_desktop: end.bytesFromDesktop,
        close_code: end.closeCode,
        close_reason: end.closeReason.slice(0, 255),
      });
  }
}
