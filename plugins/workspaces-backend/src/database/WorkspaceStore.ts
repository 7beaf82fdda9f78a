import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import type { WorkspaceQuery } from '../permissions/rules';
import type {
  WorkspaceAuditEvent,
  WorkspaceOs,
} from '@desktop-mania/plugin-workspaces-common';

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
}

export interface ConsoleSessionEnd {
  bytesToDesktop: number;
  bytesFromDesktop: number;
  closeCode: number;
  closeReason: string;
}

const migrationsDir = resolvePackagePath(
  '@desktop-mania/plugin-workspaces-backend',
  'migrations',
);

interface Row {
  name: string;
  cluster: string;
  provider: string;
  os: string;
  image: string;
  size: string;
  disk_gi: number;
  owner: string;
  created_by: string;
  template: string | null;
  system: string | null;
  state: string;
  created_at: Date | string | number;
  expires_at: Date | string | number | null;
  last_activity_at: Date | string | number;
}

// SQLite hands timestamps back as numbers or strings, PostgreSQL as Dates.
function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

function fromRow(row: Row): WorkspaceRecord {
  return {
    name: row.name,
    cluster: row.cluster,
    provider: row.provider,
    os: row.os as WorkspaceOs,
    image: row.image,
    size: row.size,
    diskGi: Number(row.disk_gi),
    owner: row.owner,
    createdBy: row.created_by,
    template: row.template ?? undefined,
    system: row.system ?? undefined,
    state: row.state as WorkspaceRecord['state'],
    createdAt: toDate(row.created_at),
    expiresAt: row.expires_at ? toDate(row.expires_at) : undefined,
    lastActivityAt: toDate(row.last_activity_at),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

// Owners compare case-insensitively, as the IS_OWNER rule does in memory.
function whereAllowed(
  qb: Knex.QueryBuilder,
  criteria: PermissionCriteria<WorkspaceQuery>,
): void {
  if ('allOf' in criteria) {
    for (const c of criteria.allOf) qb.andWhere(sub => whereAllowed(sub, c));
  } else if ('anyOf' in criteria) {
    for (const c of criteria.anyOf) qb.orWhere(sub => whereAllowed(sub, c));
  } else if ('not' in criteria) {
    qb.whereNot(sub => whereAllowed(sub, criteria.not));
  } else if (criteria.owners.length === 0) {
    qb.whereRaw('1 = 0');
  } else {
    const owners = criteria.owners.map(o => o.toLocaleLowerCase('en-US'));
    qb.whereRaw(
      `lower(owner) in (${owners.map(() => '?').join(', ')})`,
      owners,
    );
  }
}

/** Records of desktops, their audit log and console sessions. */
export class WorkspaceStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<WorkspaceStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new WorkspaceStore(client);
  }

  constructor(private readonly db: Knex) {}

  /**
   * Reserves the name and checks the owner's quota in one transaction, so two
   * concurrent orders can neither share a name nor both pass a full quota.
   */
  async reserve(
    record: WorkspaceRecord,
    maxPerOwner: number,
  ): Promise<{ ok: true } | { ok: false; held: number }> {
    try {
      return await this.db.transaction(async tx => {
        const [{ count }] = await tx('workspaces')
          .where({ owner: record.owner })
          .count<{ count: string | number }[]>({ count: '*' });
        if (Number(count) >= maxPerOwner) {
          return { ok: false as const, held: Number(count) };
        }
        await tx('workspaces').insert({
          name: record.name,
          cluster: record.cluster,
          provider: record.provider,
          os: record.os,
          image: record.image,
          size: record.size,
          disk_gi: record.diskGi,
          owner: record.owner,
          created_by: record.createdBy,
          template: record.template ?? null,
          system: record.system ?? null,
          state: record.state,
          created_at: record.createdAt,
          expires_at: record.expiresAt ?? null,
          last_activity_at: record.lastActivityAt,
        });
        return { ok: true as const };
      });
    } catch (error) {
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

  async setState(name: string, state: WorkspaceRecord['state']) {
    await this.db('workspaces').where({ name }).update({ state });
  }

  async touch(name: string, at: Date) {
    await this.db('workspaces')
      .where({ name })
      .update({ last_activity_at: at });
  }

  async remove(name: string) {
    await this.db('workspaces').where({ name }).delete();
  }

  async audit(event: Omit<WorkspaceAuditEvent, 'id' | 'at'> & { at?: Date }) {
    await this.db('workspace_audit').insert({
      workspace: event.workspace,
      actor: event.actor,
      action: event.action,
      outcome: event.outcome,
      message: event.message ?? null,
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
      at: toDate(row.at).toISOString(),
    }));
  }

  async startConsoleSession(workspace: string, actor: string): Promise<number> {
    const [row] = await this.db('console_sessions')
      .insert({ workspace, actor, started_at: new Date() })
      .returning('id');
    return Number(typeof row === 'object' ? row.id : row);
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
