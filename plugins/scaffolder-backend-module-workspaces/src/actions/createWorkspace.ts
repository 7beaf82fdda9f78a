import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { clientFor, refusal } from './client';
import { examples } from './createWorkspace.examples';

/**
 * `workspace:create` orders a desktop on behalf of the person running the
 * template. In a dry run the backend validates the order and creates nothing.
 */
export function createWorkspaceAction(options: { auth: AuthService; discovery: DiscoveryService }) {
  const { client, tokenFor } = clientFor(options);
  return createTemplateAction({
    id: 'workspace:create',
    description: 'Orders a desktop (a Workspace) on behalf of the person running the template',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Name of the desktop: lowercase letters, digits and dashes'),
        image: z => z.string().describe('The image to order, one the backend offers'),
        size: z => z.string().describe('The size to order, one the backend offers'),
        diskGi: z => z.number().int().optional().describe('Root disk size in GiB'),
        lifetimeHours: z => z.number().int().optional().describe('Hours until the desktop expires'),
        owner: z => z.string().optional().describe('Owner entity ref: the person or one of their groups. Defaults to the person'),
        cluster: z => z.string().optional().describe('The cluster to run on. Defaults to the backend default'),
        system: z => z.string().optional().describe('Entity ref of the system the desktop belongs to'),
      },
      output: {
        entityRef: z => z.string().describe('Entity ref of the new Workspace'),
        entityUrl: z => z.string().describe('Path of the Workspace entity page'),
        consoleUrl: z => z.string().describe('Path of the Desktop tab'),
      },
    },
    async handler(ctx) {
      const token = await tokenFor(await ctx.getInitiatorCredentials());
      const { input } = ctx;
      const request = {
        name: input.name,
        image: input.image,
        size: input.size,
        ...(input.diskGi !== undefined ? { diskGi: input.diskGi } : {}),
        ...(input.lifetimeHours !== undefined ? { lifetimeHours: input.lifetimeHours } : {}),
        ...(input.owner ? { owner: input.owner } : {}),
        ...(input.cluster ? { cluster: input.cluster } : {}),
        ...(input.system ? { system: input.system } : {}),
        ...(ctx.templateInfo?.entityRef ? { template: ctx.templateInfo.entityRef } : {}),
      };
      let workspace;
      try {
        workspace = await client.createWorkspace(request, { token, dryRun: ctx.isDryRun });
      } catch (error) {
        throw refusal(error);
      }
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
