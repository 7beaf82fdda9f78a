/*
 * Catalog scale: one full sync of a generated listing of desktops (10,000 by
 * default, across three clusters) into the real catalog, until every Workspace
 * entity is processed. Reports the time and the backend's peak memory.
 * Run: bash bench/run.sh catalog-scale [count] [sqlite|postgres]
 */
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { AddressInfo } from 'net';
import { guestToken, startBackend } from './lib/backend';
import { processUsage } from './lib/portal';

const COUNT = Number(process.argv[2] ?? 10_000);
const DATABASE = process.argv[3] ?? 'sqlite';

/** The catalog's database: SQLite in memory, or a fresh database on the local PostgreSQL. */
function databaseConfig(): string {
  if (DATABASE === 'sqlite')
    return '{ client: better-sqlite3, connection: ":memory:" }';
  const url = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (DATABASE !== 'postgres' || !url)
    throw new Error(
      `database must be sqlite or postgres (with PostgreSQL running), got ${DATABASE}`,
    );
  // A plugin division prefix unique to the run, so nothing is left over from an earlier one.
  return `{ client: pg, connection: "${url}", prefix: "bench_${Date.now().toString(
    36,
  )}_" }`;
}
const PORT = 7037;

async function main() {
  const listing = JSON.stringify(
    Array.from({ length: COUNT }, (_, i) => ({
      name: `desk-${i}`,
      cluster: `cluster-${i % 3}`,
      provider: 'kubevirt',
      namespace: 'workspaces',
      os: i % 5 === 0 ? 'windows' : 'linux',
      image: 'ubuntu-desktop',
      size: 'medium',
      diskGi: 40,
      owner: `group:default/team-${i % 40}`,
      createdBy: 'user:default/alice',
      createdAt: new Date().toISOString(),
      status: { phase: 'Running', ready: true },
    })),
  );
  let listedAt = 0;
  const listingServer = http.createServer((req, res) => {
    if (req.url?.startsWith('/api/workspaces/workspaces'))
      listedAt = listedAt || performance.now();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(listing);
  });
  await new Promise<void>(r => listingServer.listen(0, '127.0.0.1', r));
  const listingPort = (listingServer.address() as AddressInfo).port;

  const backend = await startBackend({
    name: 'app-config.catalog-scale',
    port: PORT,
    dir: os.tmpdir(),
    entry: path.join(__dirname, 'lib/catalogBackend.ts'),
    config: [
      'app: { baseUrl: "http://localhost:7037" }',
      `backend: { baseUrl: "http://localhost:${PORT}", listen: { port: ${PORT}, host: 127.0.0.1 }, database: ${databaseConfig()} }`,
      `discovery: { endpoints: [{ target: "http://127.0.0.1:${listingPort}/api/{{pluginId}}", plugins: [workspaces] }] }`,
      'auth: { environment: development, providers: { guest: { dangerouslyAllowOutsideDevelopment: true, userEntityRef: "user:default/bench" } } }',
      'permission: { enabled: true }',
      'desktopMania: { permissions: { admins: [], platformOwners: [] } }',
      'catalog:',
      '  rules: [{ allow: [Workspace] }]',
      '  locations: []',
      '  providers: { workspaces: { schedule: { frequency: { minutes: 30 }, timeout: { minutes: 10 }, initialDelay: { seconds: 1 } } } }',
      '',
    ].join('\n'),
    appConfigEnv: true,
  });
  const token = await guestToken(backend.origin);
  let peak = 0;
  const start = (await processUsage(backend.pid)).rssBytes;
  let processed = 0;
  try {
    for (;;) {
      const usage = await processUsage(backend.pid);
      peak = Math.max(peak, usage.rssBytes);
      const res = await fetch(
        `http://localhost:${PORT}/api/catalog/entities/by-query?filter=kind=workspace&limit=1`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      processed = (await res.json()).totalItems ?? 0;
      if (processed >= COUNT) break;
      if (listedAt && performance.now() - listedAt > 600_000)
        throw new Error(
          `only ${processed} of ${COUNT} entities after 10 minutes`,
        );
      await new Promise(r => setTimeout(r, 250));
    }
  } finally {
    backend.stop();
    listingServer.close();
  }
  const seconds = (performance.now() - listedAt) / 1000;
  console.table([
    {
      desktops: COUNT,
      database: DATABASE,
      'listing → all entities processed (s)': seconds.toFixed(1),
      'entities/s': (COUNT / seconds).toFixed(0),
      'backend RSS at start (MiB)': (start / 2 ** 20).toFixed(0),
      'peak RSS (MiB)': (peak / 2 ** 20).toFixed(0),
    },
  ]);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', `catalog-scale-${DATABASE}.json`),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        count: COUNT,
        database: DATABASE,
        seconds,
        startRss: start,
        peakRss: peak,
      },
      null,
      2,
    ),
  );
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
