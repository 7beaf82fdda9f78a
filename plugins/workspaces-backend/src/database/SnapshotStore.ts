import { ConflictError } from '@backstage/errors';
import type {
  WorkspaceSnapshot,
  WorkspaceSnapshotState,
} from '@desktop-mania/plugin-workspaces-common';
import type { Knex } from 'knex';
import { isUniqueViolation, toDate } from './rows';

/** A snapshot as the backend records it, with its provider's name for it. */
export interface SnapshotRecord extends WorkspaceSnapshot {
  /** The desktop's owner when it was taken. */
  owner: string;
  providerRef: string;
}

interface SnapshotRow {
  workspace: string;
  name: string;
  owner: string;
  created_by: string;
  created_at: Date | string;
  state: string;
  keep: boolean | number;
  provider_ref: string;
  message: string | null;
}

const TABLE = 'workspace_snapshots';
const lower = (owner: string) => owner.toLocaleLowerCase('en-US');

function fromRow(row: SnapshotRow): SnapshotRecord {
  return {
    workspace: row.workspace,
    name: row.name,
    owner: row.owner,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at).toISOString(),
    state: row.state as WorkspaceSnapshotState,
    // SQLite answers booleans as 0 and 1.
    keep: Boolean(row.keep),
    providerRef: row.provider_ref,
    message: row.message ?? undefined,
  };
}

/** Thrown inside the insert's transaction to roll it back. */
class LimitReached extends Error {
  constructor(readonly held: number) {
    super('limit reached');
  }
}

/** Records of desktops' snapshots (migration 20261202000000_snapshots). */
export class SnapshotStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records a new snapshot unless the desktop holds `max` already; the
   * count and the insert are one transaction, as the desktop quota's are
   * (the desktop quota's reserve), so two at once cannot both pass a full limit.
   */
  async add(
    record: SnapshotRecord,
    max: number,
  ): Promise<{ ok: true } | { ok: false; held: number }> {
    try {
      return await this.db.transaction(async tx => {
        if (tx.client.config.client === 'pg') {
          await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [
            `workspaces.snapshots:${record.workspace}`,
          ]);
        }
        await tx(TABLE).insert({
          workspace: record.workspace,
          name: record.name,
          owner: record.owner,
          created_by: record.createdBy,
          created_at: new Date(record.createdAt),
          state: record.state,
          keep: record.keep,
          provider_ref: record.providerRef,
          message: record.message ?? null,
        });
        const [{ count }] = await tx(TABLE)
          .where({ workspace: record.workspace })
          .whereRaw('lower(owner) = ?', [lower(record.owner)])
          .count<{ count: string | number }[]>({ count: '*' });
        const held = Number(count) - 1;
        if (held >= max) throw new LimitReached(held);
        return { ok: true as const };
      });
    } catch (error) {
      if (error instanceof LimitReached) return { ok: false, held: error.held };
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `The desktop '${record.workspace}' already has a snapshot named '${record.name}'`,
        );
      }
      throw error;
    }
  }

  /**
   * Newest first. With `owner`, only those taken while the desktop had that
   * owner: a kept snapshot of a deleted desktop must not reach someone else
   * who orders a desktop of the same name.
   */
  async list(workspace: string, owner?: string): Promise<SnapshotRecord[]> {
    const query = this.db<SnapshotRow>(TABLE).where({ workspace });
    if (owner) {
      query.whereRaw('lower(owner) = ?', [lower(owner)]);
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc');
    return rows.map(fromRow);
  }

  /** Like {@link SnapshotStore.list}, one by name. */
  async get(
    workspace: string,
    name: string,
    owner: string,
  ): Promise<SnapshotRecord | undefined> {
    const row = await this.db<SnapshotRow>(TABLE)
      .where({ workspace, name })
      .whereRaw('lower(owner) = ?', [lower(owner)])
      .first();
    return row ? fromRow(row) : undefined;
  }

  /** False when the snapshot is gone meanwhile. */
  async update(
    workspace: string,
    name: string,
    change: Partial<Pick<SnapshotRecord, 'state' | 'keep' | 'message'>>,
  ): Promise<boolean> {
    const values: Record<string, unknown> = {};
    if (change.state !== undefined) values.state = change.state;
    if (change.keep !== undefined) values.keep = change.keep;
    if ('message' in change) values.message = change.message ?? null;
    const changed = await this.db(TABLE)
      .where({ workspace, name })
      .update(values);
    return changed > 0;
  }

  async setProviderRef(workspace: string, name: string, providerRef: string) {
    await this.db(TABLE)
      .where({ workspace, name })
      .update({ provider_ref: providerRef });
  }

  async remove(workspace: string, name: string): Promise<boolean> {
    return (await this.db(TABLE).where({ workspace, name }).delete()) > 0;
  }
}
