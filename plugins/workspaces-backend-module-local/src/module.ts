import path from 'path';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { workspaceProvidersExtensionPoint } from '@desktop-mania/plugin-workspaces-node';
import { DEFAULT_BINARIES, LocalWorkspaceProvider } from './LocalWorkspaceProvider';

/**
 * Runs desktops on the backend's own machine. Registers only when
 * `workspaces.local` is configured and not disabled.
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
        const local = config.getOptionalConfig('workspaces.local');
        if (!local || local.getOptionalBoolean('enabled') === false) {
          logger.info('Local desktop provider is not configured');
          return;
        }
        const binaries = {
          xvnc: local.getOptionalString('xvncPath') ?? DEFAULT_BINARIES.xvnc,
          bwrap: local.getOptionalString('bwrapPath') ?? DEFAULT_BINARIES.bwrap,
          windowManager: local.getOptionalString('windowManagerPath') ?? DEFAULT_BINARIES.windowManager,
          terminal: local.getOptionalString('terminalPath') ?? DEFAULT_BINARIES.terminal,
        };
        LocalWorkspaceProvider.checkBinaries(binaries);
        const dataDir = path.resolve(local.getString('dataDir'));
        providers.addProvider(
          new LocalWorkspaceProvider({
            dataDir,
            clusterName: local.getOptionalString('clusterName') ?? 'local',
            displayBase: local.getOptionalNumber('displayBase') ?? 20,
            binaries,
            logger,
          }),
        );
        logger.info(`Local desktop provider keeps desktops in ${dataDir}`);
      },
    });
  },
});
