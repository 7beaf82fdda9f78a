import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Recordings } from './Recordings';

/**
 * Runs the workspace service's recordings as the plugin does: the folder
 * checked now, and a task that closes what a crash left open and deletes
 * what is past retention. Runs whether or not recording is on, so
 * recordings made before it was turned off still expire.
 */
export async function scheduleRecordings(
  recordings: Recordings,
  options: { logger: LoggerService; scheduler: SchedulerService },
): Promise<void> {
  const { logger } = options;
  await recordings.start();
  await options.scheduler.scheduleTask({
    id: 'workspaces-recordings',
    frequency: { minutes: 10 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      try {
        await recordings.housekeep();
      } catch (error) {
        logger.warn(`Housekeeping of console recordings failed: ${error}`);
      }
    },
  });
}
