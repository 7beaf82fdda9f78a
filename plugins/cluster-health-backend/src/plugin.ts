import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { clusterHealthPermissions } from '@desktop-mania/plugin-cluster-health-common';
import { ClusterHealthService } from './service/ClusterHealthService';
import { createRouter } from './service/router';

/**
 * Named Prometheus panels for the cluster health pages.
 * @public
 */
export const clusterHealthPlugin = createBackendPlugin({
  pluginId: 'cluster-health',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ config, httpRouter, httpAuth, permissions, permissionsRegistry }) {
        permissionsRegistry.addPermissions(clusterHealthPermissions);
        httpRouter.use(createRouter({ service: ClusterHealthService.fromConfig(config), httpAuth, permissions }));
      },
    });
  },
});
