import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { workspaceProvidersExtensionPoint } from '@desktop-mania/plugin-workspaces-node';
import { readLocalProviderOptions } from './config';
import { LocalWorkspaceProvider } from './LocalWorkspaceProvider';

/**
 * Runs desktops on the backend's own machine. Registers when the
 * `workspaces.local` block exists and does not say `enabled: false`.
 * It stops nothing when the backend shuts down: desktops outlive the
 * backend by design and are found again when it comes back.
 * @public
 */
export const workspacesModuleLocal = createBackendModule({
  pluginId: 'workspaces',
  moduleId: 'local',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        providers: workspaceProvidersExtensionPoint,
      },
      async init({ config, logger, providers }) {
        const options = readLocalProviderOptions(config);
        if (!options) {
          logger.info(
            'The local desktop provider is off: workspaces.local is absent or disabled',
          );
          return;
        }
        providers.addProvider(
          await LocalWorkspaceProvider.fromOptions({ ...options, logger }),
        );
        logger.info(
          `The local desktop provider runs cluster '${options.clusterName}' with desktops in ${options.dataDir}`,
        );
      },
    });
  },
});
