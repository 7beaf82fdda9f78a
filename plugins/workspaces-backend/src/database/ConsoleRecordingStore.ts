import type { RecordingSummary } from '@desktop-mania/plugin-workspaces-common';
import type { Knex } from 'knex';
import { toDate } from './rows';

/** A recording as the backend keeps it: its summary and the desktop's owner then. */
export interface RecordingRecord extends RecordingSummary {
  owner: string;
}

interface RecordingRow {
  id: string;
  workspace: string;
  owner: string;
  actor: string;
  console_session_id: number | string | null;
  started_at: Date | string | number;
  ended_at: Date | string | number | null;
  duration_ms: number | string | null;
  bytes: number | string;
  truncated: boolean | number;
}

const TABLE = 'console_recordings';
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

function fromRow(row: RecordingRow): RecordingRecord {
  return {
    id: row.id,
    workspace: row.workspace,
    owner: row.owner,
    actor: row.actor,
    startedAt: toDate(row.started_at).toISOString(),
    endedAt: row.ended_at ? toDate(row.ended_at).toISOString() : undefined,
    // PostgreSQL answers bigints as strings, SQLite booleans as 0 and 1.
    durationMs: row.duration_ms === null ? undefined : Number(row.duration_ms),
    bytes: Number(row.bytes),
    truncated: Boolean(row.truncated),
  };
}

/** How a recording ended. */
export interface RecordingEnd {
  endedAt: Date;
  durationMs: number;
  bytes: number;
  truncated: boolean;
}

/** Rows of console recordings (migration 20261206000000_console_recordings). */
export class ConsoleRecordingStore {
  constructor(private readonly db: Knex) {}

  async add(recording: {
    id: string;
    workspace: string;
    owner: string;
    actor: string;
    consoleSessionId?: number;
    startedAt: Date;
  }) {
    await this.db(TABLE).insert({
      id: recording.id,
      workspace: recording.workspace,
      owner: recording.owner,
      actor: recording.actor,
      console_session_id: recording.consoleSessionId ?? null,
      started_at: recording.startedAt,
      bytes: 0,
      truncated: false,
    });
  }

  async finish(id: string, end: RecordingEnd) {
    await this.db(TABLE).where({ id }).update({
      ended_at: end.endedAt,
      duration_ms: end.durationMs,
      bytes: end.bytes,
      truncated: end.truncated,
    });
  }

  /**
   * Bytes of all recordings: finished ones' sizes, open ones' as far as
   * their replicas reported them. Every replica reads the one total, so the
   * store's limit holds across them.
   */
  async usedBytes(): Promise<number> {
    const [row] = await this.db(TABLE).sum({ total: 'bytes' });
    // PostgreSQL answers a sum of bigints as a string; no rows as null.
    return Number(row?.total ?? 0);
  }

  /** An open recording's bytes so far; false when it has no open row. */
  async progress(id: string, bytes: number): Promise<boolean> {
    const updated = await this.db(TABLE)
      .where({ id })
      .whereNull('ended_at')
      .update({ bytes });
    return updated > 0;
  }

  async get(id: string): Promise<RecordingRecord | undefined> {
    const row = await this.db<RecordingRow>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  /** Newest first; only those made while the desktop had this owner. */
  async list(workspace: string, owner: string): Promise<RecordingRecord[]> {
    const rows = await this.db<RecordingRow>(TABLE)
      .where({ workspace })
      .whereRaw('lower(owner) = ?', [lower(owner)])
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc');
    return rows.map(fromRow);
  }

  /**
   * Open recordings whose session no process relays any more: it ended, its
   * seat's lease ran out (the replica crashed) or its row is gone. `except`
   * are this process's own, still being finished.
   */
  async orphans(now: Date, except: string[]): Promise<RecordingRecord[]> {
    const rows = await this.db(`${TABLE} as r`)
      .leftJoin('console_sessions as s', 's.id', 'r.console_session_id')
      .whereNull('r.ended_at')
      .whereNotIn('r.id', except)
      .where(q =>
        q
          .whereNull('s.id')
          .orWhereNotNull('s.ended_at')
          .orWhereNull('s.lease_expires_at')
          .orWhere('s.lease_expires_at', '<', now),
      )
      .select('r.*');
    return (rows as RecordingRow[]).map(fromRow);
  }

  /** Recordings started before `before`, oldest first, at most `limit`. */
  async startedBefore(before: Date, limit = 500): Promise<RecordingRecord[]> {
    const rows = await this.db<RecordingRow>(TABLE)
      .where('started_at', '<', before)
      .orderBy('started_at', 'asc')
      .limit(limit);
    return rows.map(fromRow);
  }

  async remove(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.db(TABLE).whereIn('id', ids).delete();
  }
}
