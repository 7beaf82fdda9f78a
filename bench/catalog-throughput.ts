/*
 * Catalog throughput: Workspace entities per second through the real catalog
 * (processing loop and stitcher) for catalog settings and provider
 * behaviours, each against today's settings measured in the same run. Every
 * run is a fresh backend process on an empty catalog database; a second,
 * triggered sync then moves 1 % of the desktops to another owner and times
 * until the catalog shows it.
 * Run: bash bench/run.sh catalog-throughput [counts] [sqlite|postgres|both] [variants] [--profile] [--queries]
 *   e.g. catalog-throughput 2000,10000 both baseline,recommended
 * The first variant named is the reference of the others.
 * --profile also writes a CPU profile of each run's catalog process to
 * bench/results/ and prints where its CPU per entity went (lib/catalogProfile.ts);
 * --queries also counts the SQL statements by catalog step (slower).
 * CATALOG_BENCH_TIMEOUT (seconds, default 600) bounds each run;
 * CATALOG_BENCH_PORT (default 7038) lets two runs share the machine.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { analyzeProfile, analyzeQueries } from './lib/catalogProfile';
import { Database, runCatalog, RunResult } from './lib/catalogRun';

/**
 * Each variant: lines added under `catalog:`, and fields of the provider's
 * config. `baseline` is the provider and settings before this benchmark
 * (every sync a full mutation, the catalog's defaults).
 */
const VARIANTS: Record<
  string,
  {
    catalog: string[];
    provider: string;
    padding?: number;
    replicas?: number;
    targets?: boolean;
    nodeOptions?: string[];
  }
> = {
  baseline: { catalog: [], provider: 'fullSyncEvery: 1' },
  'delta re-syncs': { catalog: [], provider: '' },
  'stitch poll 100 ms': {
    catalog: ['stitchingStrategy: { pollingInterval: { milliseconds: 100 } }'],
    provider: '',
  },
  // Not a setting: how much the entity's size matters (about 4 KB more each).
  'entity +4 KB': { catalog: [], provider: '', padding: 2000 },
  'processing every 30 min': {
    catalog: ['processingInterval: { minutes: 30 }'],
    provider: '',
  },
  // Not a setting: the desktops' owner groups and cluster Resources exist in
  // the catalog, as in production, so each new desktop re-stitches them.
  'owners and clusters in the catalog': {
    catalog: [],
    provider: 'fullSyncEvery: 1',
    targets: true,
  },
  // Node's young generation (semi-space) at 64 MiB instead of V8's default:
  // the profile shows a fifth to a quarter of the catalog's CPU in garbage collection.
  'young generation 64 MiB': {
    catalog: [],
    provider: '',
    nodeOptions: ['--max-semi-space-size=64'],
  },
  // Two catalog processes on one PostgreSQL database (skipped on SQLite).
  '2 replicas': { catalog: [], provider: '', replicas: 2 },
};

const QUERIES = process.argv.includes('--queries');
const PROFILE = QUERIES || process.argv.includes('--profile');
const ARGS = process.argv.filter(a => !a.startsWith('--'));
const COUNTS = (ARGS[2] ?? '2000').split(',').map(Number);
const DATABASES = (
  ARGS[3] === 'both' ? 'sqlite,postgres' : ARGS[3] ?? 'sqlite'
).split(',') as Database[];
const NAMES = ARGS[4]?.split(',') ?? Object.keys(VARIANTS);

async function main() {
  for (const name of NAMES)
    if (!VARIANTS[name]) throw new Error(`unknown variant ${name}`);
  const rows: Array<Record<string, string | number>> = [];
  const raw: Array<
    RunResult & { variant: string; count: number; database: string }
  > = [];
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  for (const database of DATABASES) {
    for (const count of COUNTS) {
      // The first variant of the list is the reference of the others.
      let baseline: RunResult | undefined;
      for (const name of NAMES) {
        if (VARIANTS[name].replicas && database !== 'postgres') continue;
        const profile = PROFILE
          ? path.join(
              __dirname,
              'results',
              `catalog-${database}-${count}-${name.replace(
                /\W+/g,
                '-',
              )}.cpuprofile`,
            )
          : undefined;
        let result: RunResult;
        try {
          result = await runCatalog({
            count,
            database,
            ...VARIANTS[name],
            changes: Math.max(1, Math.round(count / 100)),
            timeoutSeconds: Number(process.env.CATALOG_BENCH_TIMEOUT ?? 600),
            profile,
            queryStats: QUERIES,
          });
        } catch (error) {
          // One run that times out still leaves the others' figures.
          console.error(`${name}, ${database}, ${count}: ${error}`);
          rows.push({
            database,
            desktops: count,
            variant: name,
            failed: `${error}`,
          });
          continue;
        }
        if (profile) {
          const where = analyzeProfile(profile, count);
          console.log(
            `${name}, ${database}, ${count}: profiled ${where.busyMsPerEntity.toFixed(
              2,
            )} ms of CPU per entity`,
          );
          console.table(where.work);
          console.table(where.steps);
          console.table(where.functions);
          if (QUERIES) {
            const queries = analyzeQueries(`${profile}.queries.json`, count);
            console.log(
              `${queries.perEntity.toFixed(1)} SQL statements per entity`,
            );
            console.table(queries.rows);
          }
        }
        const rate = count / result.seconds;
        baseline ??= result;
        const cpuMs = (result.cpuSeconds * 1000) / count;
        raw.push({ ...result, variant: name, count, database });
        rows.push({
          database,
          desktops: count,
          variant: name,
          'all stitched (s)': result.seconds.toFixed(1),
          'entities/s': rate.toFixed(0),
          '× first (rate)': (rate / (count / baseline.seconds)).toFixed(2),
          'backend CPU (s)': result.cpuSeconds.toFixed(1),
          // Steadier than the rate when other work shares the cores.
          'CPU ms / entity': cpuMs.toFixed(1),
          'CPU × first': (
            cpuMs /
            ((baseline.cpuSeconds * 1000) / count)
          ).toFixed(2),
          'peak RSS (MiB)': (result.peakRss / 2 ** 20).toFixed(0),
          '1 % changed → shown (s)': result.resyncSeconds?.toFixed(1) ?? '-',
          // Other work on the same cores: compare rows measured at similar load.
          'load avg (1 min)': os.loadavg()[0].toFixed(1),
        });
        console.table(rows.slice(-1));
      }
    }
  }
  console.table(rows);
  fs.writeFileSync(
    path.join(__dirname, 'results', 'catalog-throughput.json'),
    JSON.stringify({ date: new Date().toISOString(), runs: raw }, null, 2),
  );
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
