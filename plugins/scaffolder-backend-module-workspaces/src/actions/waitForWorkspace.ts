import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import { clientFor, isTransient, refusal } from './client';
import { examples } from './waitForWorkspace.examples';

const DEFAULT_TIMEOUT_MINUTES = 10;
const MAX_TIMEOUT_MINUTES = 60;

/** Resolves after `ms`, or rejects as soon as the task is cancelled. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('The task was cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(new Error('The task was cancelled'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `workspace:wait` waits until a desktop runs, or fails with its reason,
 * writing each phase change to the task log.
 *
 * @public
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

  async function waitForEntity(
    name: string,
    deadline: number,
    credentials: BackstageCredentials,
    logger: { info(m: string): void },
    signal?: AbortSignal,
  ) {
    if (!options.catalog) return;
    const ref = `workspace:default/${name}`;
    let logged = false;
    while (!(await options.catalog.getEntityByRef(ref, { credentials }))) {
      if (!logged) {
        logger.info(`${name} runs; waiting for it to appear in the catalog`);
        logged = true;
      }
      if (Date.now() + pollMs > deadline) {
        throw new Error(
          `The desktop ${name} runs, but its catalog entity did not appear before the wait timed out`,
        );
      }
      await sleep(Math.min(pollMs, 1000), signal);
    }
  }

  return createTemplateAction({
    id: 'workspace:wait',
    description:
      'Waits until a desktop is running, or fails when it fails or takes too long',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string().min(1).describe('Name of the desktop to wait for'),
        timeoutMinutes: z =>
          z
            .number()
            .positive()
            .max(MAX_TIMEOUT_MINUTES)
            .optional()
            .describe(
              `How long to wait at most, in minutes (default ${DEFAULT_TIMEOUT_MINUTES}, at most ${MAX_TIMEOUT_MINUTES})`,
            ),
      },
      output: {
        phase: z => z.string().describe('The phase the desktop reached'),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would wait for ${name} to run`);
        ctx.output('phase', 'Running');
        return;
      }
      const timeoutMinutes = Math.min(
        ctx.input.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES,
        MAX_TIMEOUT_MINUTES,
      );
      const deadline = Date.now() + timeoutMinutes * 60_000;
      const credentials = await ctx.getInitiatorCredentials();
      let last = '';
      let unreachable = false;
      for (;;) {
        if (ctx.signal?.aborted) throw new Error('The task was cancelled');
        let workspace: Workspace | undefined;
        try {
          workspace = await client.getWorkspace(name, {
            token: await tokenFor(credentials),
          });
          unreachable = false;
        } catch (error) {
          if (!isTransient(error))
            throw refusal(error, `Reading the desktop ${name}`);
          // A backend restart or a network blip is no reason to fail a desktop that is coming up.
          if (!unreachable)
            ctx.logger.warn(
              `${
                refusal(error, `Reading the desktop ${name}`).message
              }; still waiting`,
            );
          unreachable = true;
        }
        if (workspace) {
          const { phase, ready, message } = workspace.status;
          if (phase !== last) {
            ctx.logger.info(
              `${name} is ${phase}${message ? `: ${message}` : ''}`,
            );
            last = phase;
          }
          if (phase === 'Running' && ready) {
            await waitForEntity(
              name,
              deadline,
              credentials,
              ctx.logger,
              ctx.signal,
            );
            ctx.output('phase', phase);
            return;
          }
          if (phase === 'Failed') {
            throw new Error(
              `The desktop ${name} failed: ${message ?? 'no reason given'}`,
            );
          }
        }
        if (Date.now() + pollMs > deadline) {
          throw new Error(
            `The desktop ${name} was still ${
              last || 'unknown'
            } when the wait timed out after ${timeoutMinutes} minutes`,
          );
        }
        await sleep(pollMs, ctx.signal);
      }
    },
  });
}
