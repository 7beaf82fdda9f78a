import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
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
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, auth, discovery, catalog }) {
        scaffolder.addActions(
          createWorkspaceAction({ auth, discovery }),
          waitForWorkspaceAction({ auth, discovery, catalog }),
        );
      },
    });
  },
});
