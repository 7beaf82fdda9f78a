import type {
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ConsoleRecordingStore } from '../database/ConsoleRecordingStore';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { WorkspaceAuthorizer } from '../service/WorkspaceAuthorizer';
import { readRecordingConfig } from './recordingConfig';
import { Recordings } from './Recordings';

/**
 * Console recordings as the plugin runs them: `workspaces.recording` read
 * (a mistake there stops the start), the folder checked, and a task that
 * closes what a crash left open and deletes what is past retention. Runs
 * whether or not recording is on, so recordings made before it was turned
 * off still expire.
 */
export async function createRecordings(options: {
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  records: ConsoleRecordingStore;
  /** Reads desktops through the workspace service, their one owner. */
  get(name: string): Promise<WorkspaceRecord | undefined>;
  authorizer: Pick<WorkspaceAuthorizer, 'isAllowed'>;
  /** Names of the images people may order. */
  images: string[];
}): Promise<Recordings> {
  const { logger } = options;
  const recordings = new Recordings({
    ...options,
    config: readRecordingConfig(options.config, options.images),
  });
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
  return recordings;
}
