import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import {
  CreateWorkspaceRequest,
  describeWorkspaceNameRule,
  DNS1123_LABEL,
  Workspace,
  WORKSPACE_NAME_MAX_LENGTH,
} from '@desktop-mania/plugin-workspaces-common';
import { clientFor, refusal } from './client';
import { examples } from './createWorkspace.examples';

/**
 * `workspace:create` orders a desktop on behalf of the person running the
 * template. In a dry run the backend validates the order and creates nothing.
 *
 * @public
 */
export function createWorkspaceAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  const { client, tokenFor } = clientFor(options);
  return createTemplateAction({
    id: 'workspace:create',
    description:
      'Orders a desktop (a Workspace) on behalf of the person running the template',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        // The same name rule as the backend's, so the scaffolder refuses a bad
        // name before the step runs; the backend decides everything else.
        name: z =>
          z
            .string()
            .max(WORKSPACE_NAME_MAX_LENGTH)
            .regex(DNS1123_LABEL)
            .describe(`Name of the desktop: ${describeWorkspaceNameRule()}`),
        image: z =>
          z
            .string()
            .min(1)
            .describe('The image to order, one the backend offers'),
        size: z =>
          z
            .string()
            .min(1)
            .describe('The size to order, one the backend offers'),
        diskGi: z =>
          z
            .number()
            .int()
            .positive()
            .optional()
            .describe('Root disk size in GiB'),
        lifetimeHours: z =>
          z
            .number()
            .int()
            .positive()
            .optional()
            .describe('Hours until the desktop expires'),
        owner: z =>
          z
            .string()
            .optional()
            .describe(
              'Owner entity ref: the person or one of their groups. Defaults to the person',
            ),
        cluster: z =>
          z
            .string()
            .optional()
            .describe('The cluster to run on. Defaults to the backend default'),
        system: z =>
          z
            .string()
            .optional()
            .describe('Entity ref of the system the desktop belongs to'),
      },
      output: {
        entityRef: z => z.string().describe('Entity ref of the new Workspace'),
        entityUrl: z =>
          z.string().describe('Path of the Workspace entity page'),
        consoleUrl: z => z.string().describe('Path of the Desktop tab'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const request: CreateWorkspaceRequest = {
        name: input.name,
        image: input.image,
        size: input.size,
        ...(input.diskGi !== undefined ? { diskGi: input.diskGi } : {}),
        ...(input.lifetimeHours !== undefined
          ? { lifetimeHours: input.lifetimeHours }
          : {}),
        ...(input.owner ? { owner: input.owner } : {}),
        ...(input.cluster ? { cluster: input.cluster } : {}),
        ...(input.system ? { system: input.system } : {}),
        ...(ctx.templateInfo?.entityRef
          ? { template: ctx.templateInfo.entityRef }
          : {}),
      };
      const order = async () => {
        const token = await tokenFor(await ctx.getInitiatorCredentials());
        try {
          return await client.createWorkspace(request, {
            token,
            dryRun: ctx.isDryRun,
          });
        } catch (error) {
          throw refusal(error, 'The desktop order');
        }
      };
      // A task resumed after a restart must not order the same desktop twice:
      // the checkpoint hands back the first answer instead.
      const workspace = ctx.isDryRun
        ? await order()
        : ((await ctx.checkpoint({
            key: `order.${input.name}`,
            fn: async () => (await order()) as unknown as JsonObject,
          })) as unknown as Workspace);
      ctx.logger.info(
        ctx.isDryRun
          ? `Dry run: the order for ${workspace.name} is valid; nothing was created`
          : `Ordered desktop ${workspace.name} (${workspace.image}, ${workspace.size}) on ${workspace.cluster} for ${workspace.owner}`,
      );
      const path = `/catalog/default/workspace/${workspace.name}`;
      ctx.output('entityRef', `workspace:default/${workspace.name}`);
      ctx.output('entityUrl', path);
      ctx.output('consoleUrl', `${path}/desktop`);
    },
  });
}
