import { createBackendModule } from '@backstage/backend-plugin-api';
import { workspaceProvidersExtensionPoint } from '@desktop-mania/plugin-workspaces-node';
import type { WorkspaceProvider } from '@desktop-mania/plugin-workspaces-node';

/**
 * A backend module that registers the given providers, for tests and benchmarks.
 *
 * @public
 */
export function providerModule(
  moduleId: string,
  ...providers: WorkspaceProvider[]
) {
  return createBackendModule({
    pluginId: 'workspaces',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { ep: workspaceProvidersExtensionPoint },
        async init({ ep }) {
          providers.forEach(p => ep.addProvider(p));
        },
      });
    },
  });
}
