import { LoggerService } from '@backstage/backend-plugin-api';
import type { WorkspaceStore } from '../database/WorkspaceStore';
import type { ProviderRegistry } from './ProviderRegistry';
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
      store: WorkspaceStore;
      providers: ProviderRegistry;
      config: WorkspacesConfig;
      metrics: WorkspaceMetrics;
      logger: LoggerService;
      onChanged(name: string): Promise<void>;
    },
  ) {}

  async run(now = new Date()) {
    const { service, store, providers, config, metrics, logger } = this.options;
    const workspaces = await service.listAll();
    metrics.setWorkspaces(workspaces);
    for (const workspace of workspaces) {
      const record = await store.get(workspace.name);
      if (!record || record.state !== 'active') continue;
      const ref = { name: record.name, cluster: record.cluster };
      const running = ['Running', 'Starting'].includes(workspace.status.phase);
      try {
        if (record.expiresAt && record.expiresAt <= now) {
          if (config.expiryAction === 'delete') {
            await service.deleteRecord(record, ACTOR);
            logger.info(`Deleted desktop ${record.name}: its lifetime ended`);
            continue;
          }
          if (running) {
            await providers.forCluster(record.cluster).stop(ref);
            await store.audit({
              workspace: record.name,
              actor: ACTOR,
              action: 'stop',
              outcome: 'succeeded',
              message: 'lifetime ended',
            });
            logger.info(`Stopped desktop ${record.name}: its lifetime ended`);
            await this.options.onChanged(record.name);
          }
          continue;
        }
        if (
          running &&
          config.idleStopAfterMs !== undefined &&
          now.getTime() - record.lastActivityAt.getTime() >
            config.idleStopAfterMs
        ) {
          await providers.forCluster(record.cluster).stop(ref);
          await store.audit({
            workspace: record.name,
            actor: ACTOR,
            action: 'stop',
            outcome: 'succeeded',
            message: 'idle past the configured time',
          });
          logger.info(
            `Stopped desktop ${
              record.name
            }: idle since ${record.lastActivityAt.toISOString()}`,
          );
          await this.options.onChanged(record.name);
        }
      } catch (error) {
        await store.audit({
          workspace: record.name,
          actor: ACTOR,
          action: 'housekeeping',
          outcome: 'failed',
          message: (error as Error).message,
        });
        logger.warn(`Housekeeping of desktop ${record.name} failed: ${error}`);
      }
    }
  }
}
