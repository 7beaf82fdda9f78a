import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { WorkspaceOs } from '@desktop-mania/plugin-workspaces-common';
import type { Knex } from 'knex';
import type { WorkspaceQuery } from '../permissions/rules';
import type { WorkspaceRecord } from './WorkspaceStore';

// How records are spelled in the database: column names, timestamps as each
// database returns them, and permission conditions as SQL.

export interface Row {
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
export function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

export function fromRow(row: Row): WorkspaceRecord {
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

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

// Owners compare case-insensitively, as the IS_OWNER rule does in memory.
export function whereAllowed(
  qb: Knex.QueryBuilder,
  criteria: PermissionCriteria<WorkspaceQuery>,
): void {
  if ('allOf' in criteria) {
    for (const c of criteria.allOf) qb.andWhere(sub => whereAllowed(sub, c));
  } else if ('anyOf' in criteria) {
    for (const c of criteria.anyOf) qb.orWhere(sub => whereAllowed(sub, c));
  } else if ('not' in criteria) {
    qb.whereNot(sub => whereAllowed(sub, criteria.not));
  } else if ('sharedWith' in criteria) {
    whereSharedWith(qb, criteria.sharedWith);
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

// A share counts only if granted since this desktop was made, so one left
// behind by a deleted namesake grants nothing.
function whereSharedWith(
  qb: Knex.QueryBuilder,
  { claims, modes }: { claims: string[]; modes: string[] },
) {
  if (claims.length === 0 || modes.length === 0) {
    qb.whereRaw('1 = 0');
    return;
  }
  const refs = claims.map(c => c.toLocaleLowerCase('en-US'));
  qb.whereExists(sub =>
    sub
      .select(1)
      .from('workspace_shares')
      .whereRaw('workspace_shares.workspace = workspaces.name')
      .whereRaw('workspace_shares.granted_at >= workspaces.created_at')
      .whereIn('workspace_shares.grantee', refs)
      .whereIn('workspace_shares.mode', modes)
      .where('workspace_shares.expires_at', '>', new Date()),
  );
}

export function toRow(record: WorkspaceRecord) {
  return {
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
  };
}
