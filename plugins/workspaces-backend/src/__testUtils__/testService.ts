import { mockServices } from '@backstage/backend-test-utils';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import type {
  WorkspaceChangeType,
  WorkspaceProvider,
} from '@desktop-mania/plugin-workspaces-node';
import type { WorkspaceStore } from '../database/WorkspaceStore';
import { isWorkspaceOwner } from '../permissions/rules';
import { ProviderRegistry } from '../service/ProviderRegistry';
import type { WorkspacesConfig } from '../service/WorkspacesConfig';
import { WorkspaceService } from '../service/WorkspaceService';

/**
 * A workspace service without a backend around it, as one process has it:
 * permissive mock services, a list of the changes it announced, and the
 * mock logger it writes to.
 */
export function createTestService(options: {
  store: WorkspaceStore;
  provider: WorkspaceProvider;
  config: WorkspacesConfig;
}) {
  const changed: string[] = [];
  const logger = mockServices.logger.mock();
  const service = new WorkspaceService({
    store: options.store,
    providers: new ProviderRegistry([options.provider]),
    config: options.config,
    permissions: mockServices.permissions(),
    ruleset: { getRuleByName: () => isWorkspaceOwner },
    userInfo: mockServices.userInfo(),
    auth: mockServices.auth(),
    auditor: mockServices.auditor.mock({
      createEvent: async () => ({
        success: async () => {},
        fail: async () => {},
      }),
    }),
    logger,
    onChange: async (type: WorkspaceChangeType, w: Workspace) => {
      changed.push(`${type}:${w.name}`);
    },
  });
  return { service, changed, logger };
}
