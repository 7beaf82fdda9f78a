import { createBackendModule } from '@backstage/backend-plugin-api';
import { workspaceProvidersExtensionPoint } from '../extensions';
import type { WorkspaceProvider } from '../WorkspaceProvider';

/** A backend module that registers the given providers, for tests and benchmarks. */
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
