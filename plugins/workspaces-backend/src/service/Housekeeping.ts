import { LoggerService } from '@backstage/backend-plugin-api';
import { workspaceHoldsCompute } from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceMetrics } from './WorkspaceMetrics';
import type { WorkspacesConfig } from './WorkspacesConfig';
import type { WorkspaceService } from './WorkspaceService';

const ACTOR = 'system:workspaces-housekeeping';

/**
 * Gives resources back: stops desktops idle for too long and stops or deletes
 * those past their lifetime. Every action lands in the audit log.
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

  async run(now = new Date()) {
    const { service, config, metrics, logger } = this.options;
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
