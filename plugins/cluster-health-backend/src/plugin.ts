import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { clusterHealthPermissions } from '@desktop-mania/plugin-cluster-health-common';
import { ClusterHealthService } from './service/ClusterHealthService';
import { readClusterHealthConfig } from './service/readClusterHealthConfig';
import { createRouter } from './service/router';
import { createWarmPoolRouter, WarmPoolPanels } from './service/WarmPoolPanels';

/**
 * Named Prometheus panels for the cluster health pages, at /api/cluster-health.
 * @public
 */
export const clusterHealthPlugin = createBackendPlugin({
  pluginId: 'cluster-health',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
      }) {
        permissionsRegistry.addPermissions(clusterHealthPermissions);
        const settings = readClusterHealthConfig(config);
        if (settings.clusters.length === 0) {
          logger.info(
            'No clusterHealth.clusters configured; the cluster health pages will say so',
          );
        }
        const service = new ClusterHealthService(settings, { logger });
        httpRouter.use(createRouter({ service, httpAuth, permissions }));
        httpRouter.use(
          createWarmPoolRouter({
            warmPool: new WarmPoolPanels(settings),
            httpAuth,
            permissions,
          }),
        );
      },
    });
  },
});
