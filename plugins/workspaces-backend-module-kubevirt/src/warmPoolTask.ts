import type {
  HttpAuthService,
  HttpRouterService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { KubeVirtCluster } from './clusters';
import { KubeVirtApi } from './KubeVirtApi';
import { refillWarmPools, WARM_POOL_TASK_ID } from './warmPool';
import { WarmPoolMetrics, warmPoolMetricsHandler } from './warmPoolMetrics';

/**
 * With any pool configured: the refill as a scheduled task (the scheduler
 * runs it on one replica at a time, locking in the plugin's database), run
 * again right after each claim. The figures are served either way, empty
 * without a pool, so that the scrape target is up whatever the config.
 */
export async function scheduleWarmPools(
  clusters: KubeVirtCluster[],
  deps: {
    logger: LoggerService;
    scheduler: SchedulerService;
    httpRouter: HttpRouterService;
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
  },
): Promise<{
  metrics?: WarmPoolMetrics;
  onClaim?: (cluster: string) => void;
}> {
  const { logger, scheduler } = deps;
  const metrics = new WarmPoolMetrics();
  deps.httpRouter.use(warmPoolMetricsHandler(metrics, deps));
  const pooled = clusters.filter(c => c.warmPool?.length);
  if (pooled.length === 0) return {};
  const targets = pooled.map(cluster => ({
    cluster,
    api: new KubeVirtApi(cluster),
    logger,
  }));
  await scheduler.scheduleTask({
    id: WARM_POOL_TASK_ID,
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 10 },
    fn: async () => {
      await Promise.all(targets.map(t => refillWarmPools(t, metrics)));
    },
  });
  logger.info(
    `Warm pools: ${pooled
      .map(
        c =>
          `${c.name}: ${c
            .warmPool!.map(p => `${p.count}× ${p.key} (${p.diskGi} GiB)`)
            .join(', ')}`,
      )
      .join('; ')}`,
  );
  return {
    metrics,
    onClaim: () => {
      // Already running or queued is fine: the next run refills anyway.
      scheduler.triggerTask(WARM_POOL_TASK_ID).catch(() => undefined);
    },
  };
}
