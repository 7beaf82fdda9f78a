/*
 * One catalog-throughput run: a fresh catalog backend process (the real
 * catalog with the Workspace module, lib/catalogBackend.ts) reading a
 * generated listing of desktops from a loopback server, timed from the
 * provider's listing until every Workspace entity is stitched (counted
 * through the catalog API).
 */
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { AddressInfo } from 'net';
import { knex } from 'knex';
import { guestToken, startBackend, type Backend } from './backend';
import { processUsage } from './portal';

// CATALOG_BENCH_PORT lets two runs share the machine (replicas take the ports after it).
const PORT = Number(process.env.CATALOG_BENCH_PORT ?? 7038);
const BASE = `http://localhost:${PORT}`;

export type Database = 'sqlite' | 'postgres';

export interface RunOptions {
  count: number;
  database: Database;
  /** Extra YAML lines under `catalog:` (indented two spaces). */
  catalog: string[];
  /** Extra YAML fields of `catalog.providers.workspaces`, e.g. `fullSyncEvery: 1`. */
  provider: string;
  /** Characters added to each desktop's image name: a larger entity (twice: spec and description). */
  padding?: number;
  /** After the first sync, how many desktops change owner before a second one (0: none). */
  changes: number;
  /** Catalog processes sharing the database (PostgreSQL only); default 1. */
  replicas?: number;
  /** Gives up after this many seconds. */
  timeoutSeconds: number;
  /**
   * Writes a CPU profile of the (first) catalog process, from the first
   * listing until every entity is stitched, to this file.
   */
  profile?: string;
  /** With a profile: also counts SQL statements by catalog step (slows the run). */
  queryStats?: boolean;
  /**
   * Registers the desktops' owner groups and cluster Resources first (from a
   * file location), as a real catalog has them: each new desktop's relations
   * then re-stitch its group and its cluster.
   */
  targets?: boolean;
  /** Extra Node options of the catalog processes, e.g. a larger young generation. */
  nodeOptions?: string[];
}

export interface RunResult {
  seconds: number;
  cpuSeconds: number;
  peakRss: number;
  /** Second listing → every changed owner visible; undefined without changes. */
  resyncSeconds?: number;
}

function desktops(count: number, changedOwners: number, padding = 0) {
  return Array.from({ length: count }, (_, i) => ({
    name: `desk-${i}`,
    cluster: `cluster-${i % 3}`,
    provider: 'kubevirt',
    namespace: 'workspaces',
    os: i % 5 === 0 ? 'windows' : 'linux',
    image: `ubuntu-desktop${'-'.repeat(padding)}`,
    size: 'medium',
    diskGi: 40,
    owner:
      i < changedOwners
        ? 'group:default/moved'
        : `group:default/team-${i % 40}`,
    createdBy: 'user:default/alice',
    createdAt: '2026-11-30T00:00:00.000Z',
    status: { phase: 'Running', ready: true },
  }));
}

/** The groups and cluster Resources the generated desktops point at. */
function targetEntities(file: string) {
  const doc = (kind: string, name: string, spec: string) =>
    `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata: { name: ${name} }\nspec: ${spec}\n`;
  const groups = [
    ...Array.from({ length: 40 }, (_, i) => `team-${i}`),
    'moved',
  ];
  fs.writeFileSync(
    file,
    [
      ...groups.map(g => doc('Group', g, '{ type: team, children: [] }')),
      ...[0, 1, 2].map(c =>
        doc(
          'Resource',
          `cluster-${c}`,
          '{ type: kubernetes-cluster, owner: group:default/team-0 }',
        ),
      ),
    ].join('---\n'),
  );
  return groups.length + 3;
}

function databaseConfig(database: Database, prefix: string): string {
  if (database === 'sqlite')
    return '{ client: better-sqlite3, connection: ":memory:" }';
  const url = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!url)
    throw new Error(
      'postgres needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    );
  return `{ client: pg, connection: "${url}", prefix: "${prefix}" }`;
}

/** Drops the databases a PostgreSQL run created, so runs leave nothing behind. */
async function dropDatabases(prefix: string) {
  const db = knex({
    client: 'pg',
    connection:
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
  });
  try {
    const { rows } = await db.raw(
      'SELECT datname FROM pg_database WHERE datname LIKE ?',
      [`${prefix}%`],
    );
    for (const { datname } of rows)
      await db.raw(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await db.destroy();
  }
}

async function get(url: string, token: string) {
  const res = await fetch(`${BASE}${url}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

export async function runCatalog(options: RunOptions): Promise<RunResult> {
  const listings = [
    JSON.stringify(desktops(options.count, 0, options.padding)),
    JSON.stringify(desktops(options.count, options.changes, options.padding)),
  ];
  const listedAt: number[] = [];
  // Until every replica is up, the listing fails and the provider changes nothing.
  let armed = false;
  const server = http.createServer((req, res) => {
    if (!armed) {
      res.writeHead(503).end();
      return;
    }
    if (req.url?.startsWith('/api/workspaces/workspaces'))
      listedAt.push(performance.now());
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(listings[Math.min(listedAt.length, 2) - 1] ?? listings[0]);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const listingPort = (server.address() as AddressInfo).port;
  const prefix = `bench_${Date.now().toString(36)}_`;
  const replicas = options.replicas ?? 1;
  if (replicas > 1 && options.database !== 'postgres')
    throw new Error('replicas share a database: use postgres');
  const database = databaseConfig(options.database, prefix);
  const targetsFile = options.targets
    ? path.join(os.tmpdir(), `catalog-targets-${prefix}.yaml`)
    : undefined;
  const targetCount = targetsFile ? targetEntities(targetsFile) : 0;
  const configOf = (port: number) => {
    const base = `http://localhost:${port}`;
    return [
      `app: { baseUrl: "${base}" }`,
      `backend: { baseUrl: "${base}", listen: { port: ${port}, host: 127.0.0.1 }, database: ${database} }`,
      `discovery: { endpoints: [{ target: "http://127.0.0.1:${listingPort}/api/{{pluginId}}", plugins: [workspaces] }] }`,
      'auth: { environment: development, providers: { guest: { dangerouslyAllowOutsideDevelopment: true, userEntityRef: "user:default/bench" } } }',
      'permission: { enabled: true }',
      'desktopMania: { permissions: { admins: [], platformOwners: [] } }',
      'catalog:',
      ...(targetsFile
        ? [
            '  rules: [{ allow: [Workspace, Group, Resource, Location] }]',
            `  locations: [{ type: file, target: "${targetsFile}" }]`,
          ]
        : ['  rules: [{ allow: [Workspace] }]', '  locations: []']),
      // Syncs come only when the benchmark triggers them, once every replica is up.
      `  providers: { workspaces: { schedule: { frequency: { hours: 1 }, timeout: { minutes: 10 }, initialDelay: { seconds: 1 } }${
        options.provider ? `, ${options.provider}` : ''
      } } }`,
      ...options.catalog.map(line => `  ${line}`),
      '',
    ].join('\n');
  };
  const backends: Backend[] = [];
  try {
    // One after the other, so only one runs the catalog's migrations.
    for (let i = 0; i < replicas; i++) {
      backends.push(
        await startBackend({
          name: `app-config.catalog-${PORT + i}`,
          port: PORT + i,
          dir: os.tmpdir(),
          entry: path.join(__dirname, 'catalogBackend.ts'),
          config: configOf(PORT + i),
          nodeOptions: options.nodeOptions,
          ipc: true,
          env:
            options.profile && i === 0
              ? {
                  CATALOG_CPU_PROFILE: options.profile,
                  ...(options.queryStats
                    ? { CATALOG_QUERY_STATS: `${options.profile}.queries.json` }
                    : {}),
                }
              : {},
          appConfigEnv: true,
        }),
      );
    }
    const token = await guestToken(BASE);
    const usage = async () => {
      const all = await Promise.all(backends.map(b => processUsage(b.pid)));
      return all.reduce((t, u) => ({
        cpuSeconds: t.cpuSeconds + u.cpuSeconds,
        rssBytes: t.rssBytes + u.rssBytes,
      }));
    };
    const sync = async () => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(
          `${BASE}/api/catalog/.backstage/scheduler/v1/tasks/workspaces:refresh/trigger`,
          { method: 'POST', headers: { Authorization: `Bearer ${token}` } },
        );
        if (res.ok) return;
        // 409 while the first (refused) sync is still running.
        if (res.status !== 409 || attempt > 40)
          throw new Error(`trigger answered ${res.status}`);
        await new Promise(r => setTimeout(r, 500));
      }
    };
    if (targetCount > 0) {
      // The groups and clusters are in the catalog before the first listing.
      for (let waited = 0; ; waited++) {
        const { totalItems } = await get(
          '/api/catalog/entities/by-query?filter=kind=group&filter=kind=resource&limit=1',
          token,
        );
        if (totalItems >= targetCount) break;
        if (waited > 240)
          throw new Error('the groups and clusters did not arrive');
        await new Promise(r => setTimeout(r, 500));
      }
    }
    const profiled = backends[0].child;
    const answer = (message: string) =>
      new Promise<void>(r => {
        const on = (m: unknown) => {
          if (m !== message) return;
          profiled.off('message', on);
          r();
        };
        profiled.on('message', on);
      });
    if (options.profile) {
      const started = answer('profile-started');
      profiled.send('profile-start');
      await started;
    }
    const cpuAtStart = (await usage()).cpuSeconds;
    armed = true;
    await sync();
    let peakRss = 0;
    /** Polls a count until it reaches the target; seconds since the given listing. */
    const until = async (query: string, target: number, listing: number) => {
      const asked = performance.now();
      for (;;) {
        if (
          listedAt[listing] === undefined &&
          performance.now() - asked > 60_000
        )
          throw new Error('the provider did not list desktops within 60 s');
        peakRss = Math.max(peakRss, (await usage()).rssBytes);
        const { totalItems } = await get(
          `/api/catalog/entities/by-query?${query}&limit=1`,
          token,
        );
        const at = listedAt[listing];
        if (at !== undefined && totalItems >= target)
          return (performance.now() - at) / 1000;
        if (
          at !== undefined &&
          performance.now() - at > options.timeoutSeconds * 1000
        )
          throw new Error(
            `only ${totalItems} of ${target} after ${options.timeoutSeconds} s`,
          );
        await new Promise(r => setTimeout(r, 250));
      }
    };
    const seconds = await until('filter=kind=workspace', options.count, 0);
    const cpuSeconds = (await usage()).cpuSeconds - cpuAtStart;
    // Printed now: the re-sync after it can take long on a busy machine.
    console.error(
      `${options.count} on ${
        options.database
      }: all stitched after ${seconds.toFixed(1)} s, ${cpuSeconds.toFixed(
        1,
      )} s of backend CPU`,
    );
    if (options.profile) {
      const written = answer('profile-written');
      profiled.send('profile-stop');
      await written;
    }
    let resyncSeconds: number | undefined;
    if (options.changes > 0) {
      await sync();
      resyncSeconds = await until(
        'filter=kind=workspace,spec.owner=group:default/moved',
        options.changes,
        1,
      );
    }
    return { seconds, cpuSeconds, peakRss, resyncSeconds };
  } finally {
    await Promise.all(backends.map(b => b.stop()));
    server.close();
    if (targetsFile) fs.rmSync(targetsFile, { force: true });
    if (options.database === 'postgres') await dropDatabases(prefix);
  }
}
