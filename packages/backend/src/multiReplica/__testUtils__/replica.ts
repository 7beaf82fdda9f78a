/**
 * One portal replica for the multi-replica test: the backend's own plugins
 * that share work between replicas (workspaces, catalog with its workspaces
 * module, events, the database-backed scheduler) on PostgreSQL, started with
 * `--config`. Run by multiReplica.test.ts as a child process, so that killing
 * it is a real crash.
 *
 * Stand-ins, and why: sign-in is the mock auth of backend-test-utils, since
 * a test cannot sign people in through an identity provider. The desktops
 * are KubeVirt's, through the real KubeVirt module configured to the one
 * loopback API server the test runs, which both replicas reach as they
 * would a cluster. Every scheduled run and every event delivery prints a
 * line the test counts.
 */
import { createBackend } from '@backstage/backend-defaults';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createServiceFactory,
  type SchedulerService,
  type SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { migrationLockDatabaseServiceFactory } from '@desktop-mania/plugin-workspaces-node';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';

/** A line on stdout the test parses: `@@ <what> <json>`. */
function report(what: string, detail: object) {
  process.stdout.write(`@@ ${what} ${JSON.stringify(detail)}\n`);
}

const countedScheduler = createServiceFactory({
  service: coreServices.scheduler,
  deps: {
    database: coreServices.database,
    logger: coreServices.logger,
    rootLifecycle: coreServices.rootLifecycle,
    httpRouter: coreServices.httpRouter,
    pluginMetadata: coreServices.pluginMetadata,
    metrics: metricsServiceRef,
  },
  async factory(deps): Promise<SchedulerService> {
    const inner = DefaultSchedulerService.create(deps);
    const plugin = deps.pluginMetadata.getId();
    const counted = (task: SchedulerServiceTaskInvocationDefinition) => ({
      ...task,
      fn: async (signal: any) => {
        report('task', { plugin, id: task.id, at: Date.now() });
        return task.fn(signal);
      },
    });
    return {
      triggerTask: id => inner.triggerTask(id),
      cancelTask: id => inner.cancelTask(id),
      getScheduledTasks: () => inner.getScheduledTasks(),
      scheduleTask: task => inner.scheduleTask(counted(task) as any),
      createScheduledTaskRunner: schedule => {
        const runner = inner.createScheduledTaskRunner(schedule);
        return { run: task => runner.run(counted(task)) };
      },
    };
  },
});

const countedEvents = createServiceFactory({
  service: eventsServiceRef,
  deps: {
    pluginMetadata: coreServices.pluginMetadata,
    rootLogger: coreServices.rootLogger,
    discovery: coreServices.discovery,
    logger: coreServices.logger,
    lifecycle: coreServices.lifecycle,
    auth: coreServices.auth,
    config: coreServices.rootConfig,
  },
  async createRootContext({ rootLogger, config }) {
    return DefaultEventsService.create({ logger: rootLogger, config });
  },
  async factory(deps, root) {
    const plugin = deps.pluginMetadata.getId();
    const inner = root.forPlugin(plugin, deps);
    return {
      publish: async params => {
        report('publish', {
          plugin,
          topic: params.topic,
          payload: params.eventPayload,
          at: Date.now(),
        });
        await inner.publish(params);
      },
      subscribe: options =>
        inner.subscribe({
          ...options,
          onEvent: async event => {
            const delivery = {
              plugin,
              subscriber: options.id,
              topic: event.topic,
              payload: event.eventPayload,
            };
            report('event', { ...delivery, at: Date.now() });
            await options.onEvent(event);
            report('handled', { ...delivery, at: Date.now() });
          },
        }),
    };
  },
});

const backend = createBackend();
// The stock root logger first compiles every package's config schema to find
// secrets to redact, a minute of CPU on a busy machine and nothing a test
// needs.
backend.add(mockServices.rootLogger.factory({ level: 'warn' }));
// As the portal's backend (src/index.ts) migrates.
backend.add(migrationLockDatabaseServiceFactory);
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@desktop-mania/plugin-catalog-backend-module-workspaces'));
backend.add(import('@desktop-mania/plugin-workspaces-backend'));
backend.add(import('@desktop-mania/plugin-workspaces-backend-module-kubevirt'));
backend.add(countedScheduler);
backend.add(countedEvents);
backend.add(mockServices.auth.factory());
backend.add(
  mockServices.httpAuth.factory({
    defaultCredentials: mockCredentials.none(),
  }),
);
backend.add(mockServices.userInfo.factory());
backend.add(
  mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
);
backend.start().then(
  () => report('ready', { pid: process.pid }),
  error => {
    process.stderr.write(`replica failed to start: ${error}\n`);
    process.exit(1);
  },
);
