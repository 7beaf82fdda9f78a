import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createWorkspaceAction } from './actions/createWorkspace';
import { waitForWorkspaceAction } from './actions/waitForWorkspace';

/**
 * Scaffolder actions that order desktops: `workspace:create` and `workspace:wait`.
 * @public
 */
export const scaffolderModuleWorkspaces = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'workspaces',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, auth, discovery }) {
        scaffolder.addActions(
          createWorkspaceAction({ auth, discovery }),
          waitForWorkspaceAction({ auth, discovery }),
        );
      },
    });
  },
});
