import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      workspaces?: {
        /** How often every desktop is listed again. Default every 5 minutes. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Every how many syncs all entities are sent (a full mutation); the
         * syncs between send only what changed. 1 sends every sync in full.
         * Default 12 (hourly with the default schedule).
         */
        fullSyncEvery?: number;
      };
    };
  };
}
