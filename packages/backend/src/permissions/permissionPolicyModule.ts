import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { DesktopManiaPermissionPolicy } from './DesktopManiaPermissionPolicy';

export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'desktop-mania-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        policy: policyExtensionPoint,
      },
      async init({ config, policy }) {
        policy.setPolicy(DesktopManiaPermissionPolicy.fromConfig(config));
      },
    });
  },
});
