/*
 * The catalog as the catalog-scale benchmark drives it: the real catalog
 * backend with the Workspace module, reading desktops from the listing
 * server the benchmark runs (discovery points `workspaces` at it).
 * With CATALOG_CPU_PROFILE set, the parent can profile it over IPC
 * ('profile-start', then 'profile-stop' writes the .cpuprofile there), so
 * the profile covers only the timed sync and not the backend's start.
 */
import { createBackend } from '@backstage/backend-defaults';
import fs from 'fs';
import { Session } from 'inspector';
import { permissionPolicyModule } from '../../packages/backend/src/permissions/permissionPolicyModule';

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@desktop-mania/plugin-catalog-backend-module-workspaces'));
// Ready once its readiness endpoint answers (lib/backend.ts waits for it).
backend.start();

/**
 * With CATALOG_QUERY_STATS set, counts every SQL statement the catalog runs
 * and its time, by the catalog function that awaited it (from the async
 * stack), so a profile's knex and driver time can be charged to a step.
 */
const statsFile = process.env.CATALOG_QUERY_STATS;
const queryStats = new Map<string, { count: number; ms: number }>();
if (statsFile) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Client = require('knex/lib/client');
  const query = Client.prototype.query;
  Client.prototype.query = function statQuery(this: unknown, ...args: any[]) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 40;
    const frames = (new Error().stack ?? '').split('\n');
    Error.stackTraceLimit = limit;
    const caller =
      frames
        .find(f => /plugin-catalog-backend\/dist\/(?!util\/)/.test(f))
        ?.replace(/^\s*at (async )?/, '')
        .replace(/ \(.*plugin-catalog-backend\/dist\//, ' (')
        .replace(/:\d+\)$/, ')') ?? 'elsewhere';
    const sql = String(args[1]?.sql ?? args[1] ?? '')
      .replace(/\s+/g, ' ')
      .replace(/\(\?(, ?\?)*\)(, ?\(\?(, ?\?)*\))*/g, '(?…)')
      .slice(0, 70);
    const key = `${caller} | ${sql}`;
    const started = performance.now();
    const done = () => {
      const stat = queryStats.get(key) ?? { count: 0, ms: 0 };
      stat.count += 1;
      stat.ms += performance.now() - started;
      queryStats.set(key, stat);
    };
    const result = query.apply(this, args);
    result.then(done, done);
    return result;
  };
}

const profileFile = process.env.CATALOG_CPU_PROFILE;
if (profileFile) {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  process.on('message', async message => {
    if (message === 'profile-start') {
      await post('Profiler.enable');
      // 0.5 ms: an entity's whole processing is a few ms.
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      process.send?.('profile-started');
    } else if (message === 'profile-stop') {
      const { profile } = await post('Profiler.stop');
      fs.writeFileSync(profileFile, JSON.stringify(profile));
      if (statsFile)
        fs.writeFileSync(
          statsFile,
          JSON.stringify(Object.fromEntries(queryStats), null, 1),
        );
      process.send?.('profile-written');
    }
  });
}
