import {
  coreServices,
  createServiceFactory,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { SetupServer } from 'msw/node';
import request from 'supertest';
import { ALICE, startKubeVirtBackend } from './backend';
import { API } from './fixtures';

type Knex = Awaited<ReturnType<TestDatabases['init']>>;

/** A root logger that keeps each message, and tells when one turns up. */
function keptLogger() {
  const lines: string[] = [];
  const waiting: Array<{ pattern: RegExp; resolve(): void }> = [];
  const keep = (message: string) => {
    lines.push(message);
    for (const w of waiting.filter(x => x.pattern.test(message))) w.resolve();
  };
  const logger: RootLoggerService = {
    error: keep,
    warn: keep,
    info: keep,
    debug: () => {},
    child: () => logger,
  };
  const until = (pattern: RegExp) =>
    lines.some(l => pattern.test(l))
      ? Promise.resolve()
      : new Promise<void>(resolve => waiting.push({ pattern, resolve }));
  return { logger, lines, until };
}

/**
 * One replica of the workspaces backend with this module, on the database
 * every replica shares, as a rollout starts it: `reconciled` settles once its
 * startup reconcile pass, expiry copies and all, has finished.
 */
export async function startReplica(knex: Knex) {
  const kept = keptLogger();
  const backend = await startKubeVirtBackend(
    { url: API, timeout: { milliseconds: 300 } },
    [
      mockServices.database.factory({ knex }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => kept.logger,
      }),
    ],
  );
  return {
    backend,
    logs: kept.lines,
    reconciled: kept.until(/^Reconciled /),
  };
}

/**
 * A replica that ordered `names` for Alice and stopped, as a rollout stops
 * it; `during` runs before it stops.
 */
export async function orderedThenStopped(
  knex: Knex,
  names: string[],
  during: (backend: { server: any }) => unknown = () => {},
) {
  const first = await startReplica(knex);
  await first.reconciled;
  for (const name of names) {
    await request(first.backend.server)
      .post('/api/workspaces/workspaces')
      .set(ALICE)
      .send({ name, image: 'ubuntu-desktop', size: 'medium' })
      .expect(201);
  }
  await during(first.backend);
  await first.backend.stop();
}

/**
 * Every request msw answered as the API server, as `METHOD path`, with the
 * label selector of a list.
 */
export function countRequests(server: SetupServer) {
  const seen: string[] = [];
  const listener = ({ request: r }: { request: Request }) => {
    if (!r.url.startsWith(API)) return;
    const url = new URL(r.url);
    const selector = url.searchParams.get('labelSelector');
    seen.push(
      `${r.method} ${url.pathname}${
        selector ? `?labelSelector=${selector}` : ''
      }`,
    );
  };
  server.events.on('request:start', listener);
  return {
    seen,
    stop: () => server.events.removeListener('request:start', listener),
  };
}
