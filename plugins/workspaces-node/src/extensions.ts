import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { WorkspaceProvider } from './WorkspaceProvider';

/** @public */
export interface WorkspaceProvidersExtensionPoint {
  addProvider(provider: WorkspaceProvider): void;
}

/**
 * Desktop runtimes register here, one module each (KubeVirt, local).
 * @public
 */
export const workspaceProvidersExtensionPoint =
  createExtensionPoint<WorkspaceProvidersExtensionPoint>({
    id: 'workspaces.providers',
  });
