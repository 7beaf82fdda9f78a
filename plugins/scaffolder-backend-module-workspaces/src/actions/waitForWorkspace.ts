import { AuthService, BackstageCredentials, DiscoveryService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { clientFor, refusal } from './client';
import { examples } from './waitForWorkspace.examples';

/**
 * `workspace:wait` waits until a desktop runs, or fails with its reason,
 * writing each phase change to the task log.
 */
export function waitForWorkspaceAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  /** When given, the wait also lasts until the desktop's entity is in the catalog, so links to its page work. */
  catalog?: Pick<CatalogService, 'getEntityByRef'>;
  pollIntervalMs?: number;
}) {
  const { client, tokenFor } = clientFor(options);
  const pollMs = options.pollIntervalMs ?? 3000;

  async function waitForEntity(name: string, deadline: number, credentials: BackstageCredentials, logger: { info(m: string): void }) {
    if (!options.catalog) return;
    const ref = `workspace:default/${name}`;
    let logged = false;
    while (!(await options.catalog.getEntityByRef(ref, { credentials }))) {
      if (!logged) {
        logger.info(`${name} runs; waiting for it to appear in the catalog`);
        logged = true;
      }
      if (Date.now() + pollMs > deadline) {
        throw new Error(`The desktop ${name} runs, but its catalog entity did not appear before the wait timed out`);
      }
      await new Promise(r => setTimeout(r, Math.min(pollMs, 1000)));
    }
  }
  return createTemplateAction({
    id: 'workspace:wait',
    description: 'Waits until a desktop is running, or fails when it fails or takes too long',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Name of the desktop to wait for'),
        timeoutMinutes: z =>
          z.number().min(0.01).max(60).optional().describe('How long to wait at most, in minutes (default 10, at most 60)'),
      },
      output: {
        phase: z => z.string().describe('The phase the desktop reached'),
      },
    },
    async handler(ctx) {
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would wait for ${ctx.input.name} to run`);
        ctx.output('phase', 'Running');
        return;
      }
      const token = await tokenFor(await ctx.getInitiatorCredentials());
      const deadline = Date.now() + (ctx.input.timeoutMinutes ?? 10) * 60_000;
      let last = '';
      for (;;) {
        if (ctx.signal?.aborted) throw new Error('The task was cancelled');
        let workspace;
        try {
          workspace = await client.getWorkspace(ctx.input.name, { token });
        } catch (error) {
          throw refusal(error);
        }
        const { phase, ready, message } = workspace.status;
        if (phase !== last) {
          ctx.logger.info(`${ctx.input.name} is ${phase}${message ? `: ${message}` : ''}`);
          last = phase;
        }
        if (phase === 'Running' && ready) {
          await waitForEntity(ctx.input.name, deadline, await ctx.getInitiatorCredentials(), ctx.logger);
          ctx.output('phase', phase);
          return;
        }
        if (phase === 'Failed') {
          throw new Error(`The desktop ${ctx.input.name} failed: ${message ?? 'no reason given'}`);
        }
        if (Date.now() + pollMs > deadline) {
          throw new Error(`The desktop ${ctx.input.name} was still ${phase} when the wait timed out`);
        }
        await new Promise(r => setTimeout(r, pollMs));
      }
    },
  });
}
