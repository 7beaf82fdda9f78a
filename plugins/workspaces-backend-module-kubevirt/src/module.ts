import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { workspaceProvidersExtensionPoint } from '@desktop-mania/plugin-workspaces-node';
import { checkCommonFlavors } from './checkCommonFlavors';
import { readKubeVirtClusters } from './clusters';
import { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
import { readPrometheusTargets } from './vmiUsage';
import { scheduleWarmPools } from './warmPoolTask';

/**
 * Runs desktops as KubeVirt VirtualMachines. Registers a provider only when
 * clusters are configured.
 * @public
 */
export const workspacesModuleKubevirt = createBackendModule({
  pluginId: 'workspaces',
  moduleId: 'kubevirt',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        providers: workspaceProvidersExtensionPoint,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
      },
      async init({ config, logger, providers, ...deps }) {
        const clusters = readKubeVirtClusters(config, logger);
        if (clusters.length === 0) {
          logger.info(
            'No KubeVirt clusters in workspaces.kubevirt.clusters or kubernetes.clusterLocatorMethods; KubeVirt desktops are off',
          );
          return;
        }
        checkCommonFlavors(config, logger);
        const warmPool = await scheduleWarmPools(clusters, { logger, ...deps });
        providers.addProvider(
          new KubeVirtWorkspaceProvider(
            clusters,
            logger,
            readPrometheusTargets(config),
            warmPool,
          ),
        );
        logger.info(
          `KubeVirt desktops on ${clusters
            .map(c => `${c.name} (${c.url}, namespace ${c.namespace})`)
            .join(', ')}`,
        );
      },
    });
  },
});
