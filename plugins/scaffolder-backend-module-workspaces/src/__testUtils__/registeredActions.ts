import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleWorkspaces } from '../module';

/** The actions the module hands to the scaffolder when a backend starts it. */
export async function registeredActions(): Promise<
  TemplateAction<any, any, any>[]
> {
  const actions: TemplateAction<any, any, any>[] = [];
  const backend = await startTestBackend({
    extensionPoints: [
      [
        scaffolderActionsExtensionPoint,
        {
          addActions: (...added: TemplateAction<any, any, any>[]) =>
            actions.push(...added),
        },
      ],
    ],
    features: [scaffolderModuleWorkspaces, catalogServiceMock.factory()],
  });
  await backend.stop();
  return actions;
}
