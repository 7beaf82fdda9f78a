/*
 * Catalog throughput: Workspace entities per second through the real catalog
 * (processing loop and stitcher) for catalog settings and provider
 * behaviours, each against today's settings measured in the same run. Every
 * run is a fresh backend process on an empty catalog database; a second,
 * triggered sync then moves 1 % of the desktops to another owner and times
 * until the catalog shows it.
 * Run: bash bench/run.sh catalog-throughput [counts] [sqlite|postgres|both] [variants]
 *   e.g. catalog-throughput 2000,10000 both baseline,recommended
 */
import fs from 'fs';
import path from 'path';
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
  // Two catalog processes on one PostgreSQL database (skipped on SQLite).
  '2 replicas': { catalog: [], provider: '', replicas: 2 },
};

const COUNTS = (process.argv[2] ?? '2000').split(',').map(Number);
const DATABASES = (
  process.argv[3] === 'both' ? 'sqlite,postgres' : process.argv[3] ?? 'sqlite'
).split(',') as Database[];
const NAMES = process.argv[4]?.split(',') ?? Object.keys(VARIANTS);

async function main() {
  for (const name of NAMES)
    if (!VARIANTS[name]) throw new Error(`unknown variant ${name}`);
  const rows: Array<Record<string, string | number>> = [];
  const raw: Array<
    RunResult & { variant: string; count: number; database: string }
  > = [];
  for (const database of DATABASES) {
    for (const count of COUNTS) {
      let baseline: number | undefined;
      for (const name of NAMES) {
        if (VARIANTS[name].replicas && database !== 'postgres') continue;
        const result = await runCatalog({
          count,
          database,
          ...VARIANTS[name],
          changes: Math.max(1, Math.round(count / 100)),
          timeoutSeconds: 600,
        });
        const rate = count / result.seconds;
        if (name === 'baseline') baseline = rate;
        raw.push({ ...result, variant: name, count, database });
        rows.push({
          database,
          desktops: count,
          variant: name,
          'all stitched (s)': result.seconds.toFixed(1),
          'entities/s': rate.toFixed(0),
          '× baseline': baseline ? (rate / baseline).toFixed(2) : '-',
          'backend CPU (s)': result.cpuSeconds.toFixed(1),
          // Steadier than the rate when other work shares the cores.
          'CPU ms / entity': ((result.cpuSeconds * 1000) / count).toFixed(1),
          'peak RSS (MiB)': (result.peakRss / 2 ** 20).toFixed(0),
          '1 % changed → shown (s)': result.resyncSeconds?.toFixed(1) ?? '-',
        });
        console.table(rows.slice(-1));
      }
    }
  }
  console.table(rows);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
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
