import { assertError } from '@backstage/errors';
import {
  workspaceHoldsCompute,
  type Workspace,
  type WorkspaceSchedule,
} from '@desktop-mania/plugin-workspaces-common';
import type { NotificationLedger } from '../database/NotificationLedger';
import type { ScheduleStore } from '../database/ScheduleStore';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import { lastTransition } from './scheduleTimes';
import type { WorkspaceNotifier } from './WorkspaceNotifier';
import type { WorkspaceService } from './WorkspaceService';

/**
 * A start or stop whose moment passed longer ago than this is left alone:
 * after a long outage, yesterday's start time should not start a desktop.
 */
const CATCH_UP_MS = 3600_000;

/**
 * Applies desktops' working hours. Only the transition acts: at the start
 * time a stopped desktop is started, at the stop time a running one is
 * stopped, each once (recorded in the ledger), so someone who starts their
 * desktop at 21:00 keeps it until the next stop time. Moments before the
 * schedule was set do not act.
 */
export class WorkingHours {
  constructor(
    private readonly options: {
      schedules: ScheduleStore;
      ledger: NotificationLedger;
      service: WorkspaceService;
      actor: string;
      notifier?: WorkspaceNotifier;
    },
  ) {}

  /**
   * Every schedule, read once per housekeeping run, after forgetting those
   * of deleted desktops so a new desktop of the same name starts afresh.
   */
  async load(): Promise<Map<string, WorkspaceSchedule>> {
    await this.options.schedules.removeOrphans();
    await this.options.ledger.removeOrphans();
    return this.options.schedules.all();
  }

  /**
   * Starts or stops the desktop if its schedule's latest transition is due
   * and was not applied yet; true when it did either. The caller has already
   * left out expired desktops: expiry wins over a schedule.
   */
  async apply(
    record: WorkspaceRecord,
    workspace: Workspace,
    schedule: WorkspaceSchedule | undefined,
    now: Date,
  ): Promise<boolean> {
    if (!schedule || (record.expiresAt && record.expiresAt <= now)) {
      return false;
    }
    const due = lastTransition(schedule, now);
    if (
      !due ||
      due.at.getTime() <= Date.parse(schedule.updatedAt) ||
      now.getTime() - due.at.getTime() > CATCH_UP_MS
    ) {
      return false;
    }
    const { ledger, service, actor } = this.options;
    const moment = due.at.toISOString();
    if (
      !(await ledger.claim(record.name, `schedule-${due.action}`, moment, now))
    ) {
      return false;
    }
    const phase = workspace.status.phase;
    if (due.action === 'stop') {
      if (!workspaceHoldsCompute(phase)) return false;
      await service.stopBySystem(record, actor, 'working hours ended');
      return true;
    }
    if (phase !== 'Stopped') return false;
    await this.start(record, now, moment);
    return true;
  }

  private async start(record: WorkspaceRecord, now: Date, moment: string) {
    const { service, actor, notifier } = this.options;
    try {
      await service.actBySystem(
        record,
        'start',
        actor,
        'working hours began',
        now,
      );
    } catch (error) {
      assertError(error);
      await notifier?.startFailed(record, error.message, moment, now);
      throw error;
    }
  }
}
