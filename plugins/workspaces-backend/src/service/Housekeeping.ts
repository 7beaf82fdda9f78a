import { LoggerService } from '@backstage/backend-plugin-api';
import { workspaceHoldsCompute } from '@desktop-mania/plugin-workspaces-common';
import type { WorkingHours } from './WorkingHours';
import type { WorkspaceMetrics } from './WorkspaceMetrics';
import type { WorkspaceNotifier } from './WorkspaceNotifier';
import type { WorkspacesConfig } from './WorkspacesConfig';
import type { WorkspaceService } from './WorkspaceService';

export const HOUSEKEEPING_ACTOR = 'system:workspaces-housekeeping';

/**
 * Gives resources back: settles what a crash left half done, stops desktops
 * idle for too long and stops or deletes those past their lifetime; applies
 * working hours and tells owners what is coming or was done. Every action
 * lands in the audit log.
 */
export class Housekeeping {
  constructor(
    private readonly options: {
      service: WorkspaceService;
      config: WorkspacesConfig;
      metrics: WorkspaceMetrics;
      logger: LoggerService;
      /** Expiry, idle-stop and failure notifications; none without. */
      notifier?: WorkspaceNotifier;
      /** Owners' start and stop times; none without. */
      workingHours?: WorkingHours;
    },
  ) {}

  /**
   * Finishes or rolls back creates and deletes nobody is doing any more, and
   * ends console sessions of an earlier process; `startup` logs the counts
   * even when nothing was left.
   */
  async reconcile(now = new Date(), startup = false) {
    const { service, logger } = this.options;
    try {
      const done = await service.reconcile(now);
      if (startup || done.records || done.sessions) {
        logger.info(
          `Reconciled ${
            done.records
          } desktop records left creating or deleting and ended ${
            done.sessions
          } console sessions of an earlier process${
            done.failed ? `; ${done.failed} records wait for their cluster` : ''
          }`,
        );
      }
    } catch (error) {
      logger.warn(`Reconciling desktop records failed: ${error}`);
    }
  }

  async run(now = new Date()) {
    const { service, config, metrics, logger, notifier, workingHours } =
      this.options;
    await this.reconcile(now);
    metrics.setWorkspaces(await service.listAll());
    const schedules = await this.loadSchedules();
    for (const { record, workspace } of await service.listActive()) {
      // Anything not already halted gives its compute back, including a
      // desktop stuck starting or on a cluster that did not answer.
      const holdsCompute = workspaceHoldsCompute(workspace.status.phase);
      try {
        if (record.expiresAt && record.expiresAt <= now) {
          if (config.expiryAction === 'delete') {
            await service.deleteRecord(record, HOUSEKEEPING_ACTOR);
            logger.info(`Deleted desktop ${record.name}: its lifetime ended`);
          } else if (holdsCompute) {
            await service.stopBySystem(
              record,
              HOUSEKEEPING_ACTOR,
              'lifetime ended',
            );
            logger.info(`Stopped desktop ${record.name}: its lifetime ended`);
          }
          continue;
        }
        await notifier?.review(record, workspace, now);
        const schedule = schedules.get(record.name);
        if (await workingHours?.apply(record, workspace, schedule, now)) {
          logger.info(`Applied working hours to desktop ${record.name}`);
          continue;
        }
        if (
          holdsCompute &&
          config.idleStopAfterMs !== undefined &&
          now.getTime() - record.lastActivityAt.getTime() >
            config.idleStopAfterMs
        ) {
          await service.stopBySystem(
            record,
            HOUSEKEEPING_ACTOR,
            'idle past the configured time',
          );
          logger.info(
            `Stopped desktop ${
              record.name
            }: idle since ${record.lastActivityAt.toISOString()}`,
          );
          await notifier?.idleStopped(record, now);
        }
      } catch (error) {
        logger.warn(`Housekeeping of desktop ${record.name} failed: ${error}`);
      }
    }
  }

  /** Working hours of every desktop; none when they cannot be read. */
  private async loadSchedules() {
    try {
      return (await this.options.workingHours?.load()) ?? new Map();
    } catch (error) {
      this.options.logger.warn(`Reading working hours failed: ${error}`);
      return new Map();
    }
  }
}
