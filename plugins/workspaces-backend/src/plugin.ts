import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  workspacesPermissions,
  type Workspace,
} from '@desktop-mania/plugin-workspaces-common';
import {
  workspaceProvidersExtensionPoint,
  WORKSPACES_EVENT_TOPIC,
  type WorkspaceChangeType,
  type WorkspaceProvider,
} from '@desktop-mania/plugin-workspaces-node';
import { NotificationLedger } from './database/NotificationLedger';
import { ScheduleStore } from './database/ScheduleStore';
import { WorkspaceStore } from './database/WorkspaceStore';
import { ConsoleProxy } from './console/ConsoleProxy';
import { SessionLeases } from './console/SessionLeases';
import { ConsoleLeaseStore } from './database/ConsoleLeaseStore';
import {
  workspacePermissionRules,
  workspaceResourceRef,
} from './permissions/rules';
import { createRouter } from './service/router';
import { Housekeeping, HOUSEKEEPING_ACTOR } from './service/Housekeeping';
import { createScheduleRouter } from './service/scheduleRoutes';
import { scheduleRecordings } from './recording/scheduleRecordings';
import { createRecordingRouter } from './service/recordingRoutes';
import { WorkingHours } from './service/WorkingHours';
import { WorkspaceNotifier } from './service/WorkspaceNotifier';
import { ProviderRegistry } from './service/ProviderRegistry';
import { WorkspaceMetrics } from './service/WorkspaceMetrics';
import { readFileTransferConfig } from './service/fileTransfer';
import { readWorkspacesConfig } from './service/WorkspacesConfig';
import { WorkspaceService } from './service/WorkspaceService';

/**
 * Owns the life of every desktop: REST API, permissions, records, console
 * proxy and housekeeping. Desktop runtimes plug in as provider modules.
 * @public
 */
export const workspacesPlugin = createBackendPlugin({
  pluginId: 'workspaces',
  register(env) {
    const providers: WorkspaceProvider[] = [];
    env.registerExtensionPoint(workspaceProvidersExtensionPoint, {
      addProvider(provider) {
        providers.push(provider);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        discovery: coreServices.discovery,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        auditor: coreServices.auditor,
        events: eventsServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, httpRouter, events } = deps;
        const settings = readWorkspacesConfig(config);
        const registry = new ProviderRegistry(
          providers,
          settings.defaultCluster,
        );
        if (providers.length === 0) {
          logger.warn(
            'No desktop provider module is installed; add @desktop-mania/plugin-workspaces-backend-module-local or -kubevirt',
          );
        }
        const store = await WorkspaceStore.create({ database: deps.database });
        const metrics = new WorkspaceMetrics();

        const publish = async (
          type: WorkspaceChangeType,
          workspace: Workspace,
        ) => {
          await events.publish({
            topic: WORKSPACES_EVENT_TOPIC,
            eventPayload: { type, workspace },
          });
        };
        // On the store's client, whose migrations made these tables.
        const ledger = store.sharing(db => new NotificationLedger(db));
        const schedules = store.sharing(db => new ScheduleStore(db));
        const notifier = new WorkspaceNotifier({
          notifications: deps.notifications,
          ledger,
          logger,
        });
        const service = new WorkspaceService({
          store,
          providers: registry,
          config: settings,
          permissions: deps.permissions,
          ruleset:
            deps.permissionsRegistry.getPermissionRuleset(workspaceResourceRef),
          userInfo: deps.userInfo,
          auth: deps.auth,
          auditor: deps.auditor,
          logger,
          onChange: publish,
          files: readFileTransferConfig(config),
          notifier,
        });
        const { recordings } = service;
        await scheduleRecordings(recordings, deps);
        deps.permissionsRegistry.addResourceType({
          resourceRef: workspaceResourceRef,
          permissions: workspacesPermissions,
          rules: Object.values(workspacePermissionRules),
          // With their grants, which the isSharedWith rule reads.
          getResources: names =>
            Promise.all(names.map(n => service.sharing.load(n))),
        });

        const baseUrl = await deps.discovery.getBaseUrl('workspaces');
        const basePath = new URL(baseUrl).pathname;
        const proxy = new ConsoleProxy({
          basePath,
          service,
          auth: deps.auth,
          metrics,
          logger,
          config: settings.console,
          leases: new SessionLeases({
            store: store.sharing(
              db => new ConsoleLeaseStore(db, settings.console.leaseMs),
            ),
            logger,
            heartbeatMs: Math.min(1000, settings.console.leaseMs / 3),
          }),
          recorder: recordings.recorder,
        });
        deps.lifecycle.addShutdownHook(() => proxy.shutdown());
        // The proxy can only claim its websocket paths on the server once a
        // request shows it which server that is; this request does it at
        // startup, so the first console after a restart is not refused.
        deps.lifecycle.addStartupHook(() => {
          introduceProxy(
            `${baseUrl}/workspaces/-/console`,
            proxy.isAttached,
          ).catch(error =>
            logger.warn(
              `Consoles open only after the first request to this plugin: ${error}`,
            ),
          );
        });

        const housekeeping = new Housekeeping({
          service,
          config: settings,
          metrics,
          logger,
          notifier,
          workingHours: new WorkingHours({
            schedules,
            ledger,
            service,
            actor: HOUSEKEEPING_ACTOR,
            notifier,
          }),
        });
        // A crash leaves records creating or deleting and sessions without an
        // end; settle them as soon as the providers are up, not a minute later.
        deps.lifecycle.addStartupHook(() => {
          housekeeping.reconcile(new Date(), true);
        });
        await deps.scheduler.scheduleTask({
          id: 'workspaces-housekeeping',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 15 },
          fn: () => housekeeping.run(),
        });

        httpRouter.use(
          createRouter({
            service,
            httpAuth: deps.httpAuth,
            metrics,
            logger,
            onRequest: proxy.middleware,
          }),
        );
        httpRouter.use(
          createScheduleRouter({
            service,
            httpAuth: deps.httpAuth,
            schedules,
          }),
        );
        httpRouter.use(
          createRecordingRouter({ recordings, httpAuth: deps.httpAuth }),
        );
        // The console authenticates itself (token subprotocol) on upgrade.
        httpRouter.addAuthPolicy({
          path: '/workspaces/:name/console',
          allow: 'unauthenticated',
        });
      },
    });
  },
});

async function introduceProxy(url: string, done: () => boolean) {
  for (let attempt = 0; !done(); attempt++) {
    if (attempt === 20) throw new Error(`${url} did not answer`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
    } catch {
      // The server may not listen yet; it does within seconds of startup.
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }
}
