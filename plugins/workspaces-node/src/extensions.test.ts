import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { workspaceProvidersExtensionPoint } from './extensions';
import type { WorkspaceProvider } from './WorkspaceProvider';

describe('workspaceProvidersExtensionPoint', () => {
  it('hands providers from modules to the plugin that owns the point', async () => {
    const received: WorkspaceProvider[] = [];
    const plugin = createBackendPlugin({
      pluginId: 'workspaces',
      register(env) {
        env.registerExtensionPoint(workspaceProvidersExtensionPoint, {
          addProvider: p => received.push(p),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const provider = {
      id: 'x',
      getClusters: () => [{ name: 'c', os: ['linux' as const] }],
    } as unknown as WorkspaceProvider;
    const module = createBackendModule({
      pluginId: 'workspaces',
      moduleId: 'x',
      register(reg) {
        reg.registerInit({
          deps: { providers: workspaceProvidersExtensionPoint },
          async init({ providers }) {
            providers.addProvider(provider);
          },
        });
      },
    });
    const backend = await startTestBackend({ features: [plugin, module] });
    expect(received).toEqual([provider]);
    await backend.stop();
  });
});
