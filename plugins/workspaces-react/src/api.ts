import { createApiRef } from '@backstage/frontend-plugin-api';
import type { WorkspacesApi } from '@desktop-mania/plugin-workspaces-common';

/**
 * The workspaces backend, as the browser reaches it. Implemented by the
 * common `WorkspacesClient` with the app's discovery and fetch APIs.
 * @public
 */
export const workspacesApiRef = createApiRef<WorkspacesApi>().with({
  id: 'plugin.workspaces.api',
  pluginId: 'workspaces',
});
