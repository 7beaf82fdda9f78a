import { LoggerService } from '@backstage/backend-plugin-api';
import { workspaceHoldsCompute } from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceMetrics } from './WorkspaceMetrics';
import type { WorkspacesConfig } from './WorkspacesConfig';
import type { WorkspaceService } from './WorkspaceService';

const ACTOR = 'system:workspaces-housekeeping';

/**
 * Gives resources back: settles what a crash left half done, stops desktops
 * idle for too long and stops or deletes those past their lifetime. Every
 * action lands in the audit log.
 */
export class Housekeeping {
  constructor(
    private readonly options: {
      service: WorkspaceService;
      config: WorkspacesConfig;
      metrics: WorkspaceMetrics;
      logger: LoggerService;
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
    const { service, config, metrics, logger } = this.options;
    await this.reconcile(now);
    metrics.setWorkspaces(await service.listAll());
    for (const { record, workspace } of await service.listActive()) {
      // Anything not already halted gives its compute back, including a
      // desktop stuck starting or on a cluster that did not answer.
      const holdsCompute = workspaceHoldsCompute(workspace.status.phase);
      try {
        if (record.expiresAt && record.expiresAt <= now) {
          if (config.expiryAction === 'delete') {
            await service.deleteRecord(record, ACTOR);
            logger.info(`Deleted desktop ${record.name}: its lifetime ended`);
          } else if (holdsCompute) {
            await service.stopBySystem(record, ACTOR, 'lifetime ended');
            logger.info(`Stopped desktop ${record.name}: its lifetime ended`);
          }
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
            ACTOR,
            'idle past the configured time',
          );
          logger.info(
            `Stopped desktop ${
              record.name
            }: idle since ${record.lastActivityAt.toISOString()}`,
          );
        }
      } catch (error) {
        logger.warn(`Housekeeping of desktop ${record.name} failed: ${error}`);
      }
    }
  }
}
