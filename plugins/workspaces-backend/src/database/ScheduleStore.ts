import type {
  WorkspaceSchedule,
  WorkspaceScheduleRequest,
  WorkspaceWeekday,
} from '@desktop-mania/plugin-workspaces-common';
import type { Knex } from 'knex';
import { toDate } from './rows';

interface ScheduleRow {
  workspace: string;
  time_zone: string;
  days: string;
  start_time: string | null;
  stop_time: string | null;
  updated_at: Date | string | number;
  updated_by: string;
}

function fromRow(row: ScheduleRow): WorkspaceSchedule {
  return {
    timeZone: row.time_zone,
    days: row.days.split(',') as WorkspaceWeekday[],
    start: row.start_time ?? undefined,
    stop: row.stop_time ?? undefined,
    updatedAt: toDate(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}

/** Desktops' working hours, one schedule per desktop. */
export class ScheduleStore {
  constructor(private readonly db: Knex) {}

  async get(workspace: string): Promise<WorkspaceSchedule | undefined> {
    const row = await this.db<ScheduleRow>('workspace_schedules')
      .where({ workspace })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /** Every schedule, by desktop name: housekeeping reads them once a run. */
  async all(): Promise<Map<string, WorkspaceSchedule>> {
    const rows = await this.db<ScheduleRow>('workspace_schedules');
    return new Map(rows.map(row => [row.workspace, fromRow(row)]));
  }

  /** Sets or replaces the schedule; `request` must be valid already. */
  async set(
    workspace: string,
    request: WorkspaceScheduleRequest,
    by: string,
    at: Date,
  ): Promise<WorkspaceSchedule> {
    const row: ScheduleRow = {
      workspace,
      time_zone: request.timeZone,
      days: request.days.join(','),
      start_time: request.start ?? null,
      stop_time: request.stop ?? null,
      updated_at: at,
      updated_by: by,
    };
    await this.db('workspace_schedules')
      .insert(row)
      .onConflict('workspace')
      .merge();
    return fromRow(row);
  }

  async remove(workspace: string): Promise<boolean> {
    return (
      (await this.db('workspace_schedules').where({ workspace }).delete()) > 0
    );
  }

  /** Drops schedules of desktops that no longer exist. */
  async removeOrphans() {
    await this.db('workspace_schedules')
      .whereNotIn('workspace', this.db('workspaces').select('name'))
      .delete();
  }
}
