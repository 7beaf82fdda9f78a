import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { WorkspaceEntitiesProcessor } from './WorkspaceEntitiesProcessor';
import { WorkspaceEntityProvider } from './WorkspaceEntityProvider';
import { prepareWorkspaceValidation } from './prepareValidation';

/**
 * Adds the Workspace kind to the catalog and mirrors desktops into it.
 * @public
 */
export const catalogModuleWorkspaces = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'workspaces',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        config,
        auth,
        discovery,
        logger,
        scheduler,
        events,
      }) {
        const scheduleConfig = config.getOptionalConfig(
          'catalog.providers.workspaces.schedule',
        );
        const schedule = scheduleConfig
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
          : {
              frequency: { minutes: 5 },
              timeout: { minutes: 3 },
              initialDelay: { seconds: 5 },
            };
        // Here, before the backend reports ready, not on the first order.
        await prepareWorkspaceValidation().catch(error =>
          logger.warn(`Could not prepare Workspace validation: ${error}`),
        );
        catalog.addProcessor(new WorkspaceEntitiesProcessor());
        catalog.addEntityProvider(
          new WorkspaceEntityProvider({
            auth,
            discovery,
            logger,
            events,
            taskRunner: scheduler.createScheduledTaskRunner(schedule),
            fullSyncEvery: config.getOptionalNumber(
              'catalog.providers.workspaces.fullSyncEvery',
            ),
          }),
        );
      },
    });
  },
});
