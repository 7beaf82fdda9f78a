/*
 * Where the catalog backend's CPU goes while it processes and stitches
 * Workspace entities, from a V8 CPU profile of that process (.cpuprofile, as
 * lib/catalogBackend.ts writes it). Two views of the same samples: by the
 * kind of work (the package or catalog part the sampled function is in),
 * and by the catalog step whose synchronous code is on the stack.
 */
import fs from 'fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const CATALOG = '@backstage/plugin-catalog-backend/dist/';

/** The package a script belongs to, from its url. */
function packageOf(url: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (m) return m[1];
  if (/catalog-backend-module-workspaces/.test(url))
    return 'this suite: catalog module';
  if (/\/plugins\/workspaces-(common|node)\//.test(url))
    return 'this suite: workspaces-common/node';
  if (/^node:|^internal\//.test(url)) return 'node internals';
  return undefined;
}

const API =
  /^(jose|express|compression|body-parser|qs|router|cookie|on-finished|finalhandler|send|helmet|cors|morgan|raw-body|type-is|accepts|content-type|negotiator|statuses|http-errors|depd|destroy|path-to-regexp)$/;

/** The kind of work a sampled frame does (its self time). */
export function workOf(frame: ProfileNode['callFrame'], parent?: string) {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    if (/^(stringify|parse)$/.test(functionName)) return 'JSON (native)';
    // better-sqlite3's binding: SQLite compiling (Statement, prepare) and running statements.
    if (parent === 'knex' || parent === 'better-sqlite3')
      return 'SQLite (native: prepare, run)';
    // Another native function (crypto, sockets): charge its caller's package.
    return parent ? `${parent} (native)` : `native ${functionName}`;
  }
  const i = url.indexOf(CATALOG);
  if (i >= 0) {
    const rest = url.slice(i + CATALOG.length);
    const depth = rest.startsWith('database/operations') ? 3 : 1;
    const part = rest.split('/').slice(0, depth).join('/');
    return `catalog-backend ${part.replace(/\.cjs\.js$/, '')}`;
  }
  const pkg = packageOf(url);
  if (pkg === 'fast-json-stable-stringify') return 'JSON (stable stringify)';
  if (pkg === 'ajv' || pkg === 'ajv-formats') return 'ajv (schema validation)';
  if (pkg && API.test(pkg))
    return 'HTTP and auth (the benchmark polls the API)';
  return pkg ?? url.replace(/^.*\/(work\/main\/)?/, '');
}

/** The catalog step on the stack: the innermost catalog or suite frame that names one. */
const STEPS: Array<[RegExp, string]> = [
  [
    /catalog-backend-module-workspaces\/src\/WorkspaceEntitiesProcessor/,
    'our processor',
  ],
  [
    /catalog-backend-module-workspaces\/src\/(WorkspaceEntityProvider|workspaceToEntity)/,
    'our provider',
  ],
  [/plugins\/workspaces-common\//, 'our processor (schema)'],
  [/dist\/database\/operations\/stitcher\//, 'stitching (database)'],
  [/dist\/stitching\//, 'stitching (loop)'],
  [/dist\/database\/operations\/relations\//, 'processing: relations'],
  [/dist\/database\/DefaultProcessingDatabase/, 'processing: database writes'],
  [
    /dist\/database\/DefaultProviderDatabase|dist\/database\/operations\/(provider|refreshState)\//,
    'provider mutation (database)',
  ],
  [
    /dist\/processing\/(DefaultCatalogProcessingOrchestrator|ProcessorOutputCollector)|dist\/processors\/|dist\/ingestion\//,
    'processing: processors and policies',
  ],
  [
    /dist\/processing\/DefaultCatalogProcessingEngine/,
    'processing: engine (hashing, bookkeeping)',
  ],
  [/dist\/processing\/TaskPipeline/, 'task pipelines'],
  [
    /dist\/service\/|dist\/permissions\//,
    'catalog API (the benchmark polls it)',
  ],
  [/node_modules\/knex\//, 'knex (no catalog frame on the stack)'],
  [
    /node_modules\/(better-sqlite3|pg|pg-protocol)\//,
    'database driver (no catalog frame)',
  ],
];

export function analyzeProfile(file: string, entities: number) {
  const profile: Profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes)
    for (const c of n.children ?? []) parentOf.set(c, n.id);
  const work: Record<string, number> = {};
  const steps: Record<string, number> = {};
  const functions: Record<string, number> = {};
  let busy = 0;
  let profiler = 0;
  const onStack = (leaf: ProfileNode, test: (n: ProfileNode) => boolean) => {
    for (
      let n: ProfileNode | undefined = leaf;
      n;
      n = byId.get(parentOf.get(n.id) ?? -1)
    )
      if (test(n)) return true;
    return false;
  };
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    // A native function is charged to the first caller with a script.
    let parent = byId.get(parentOf.get(id) ?? -1);
    while (
      parent &&
      !parent.callFrame.url &&
      parent.callFrame.functionName !== '(root)'
    )
      parent = byId.get(parentOf.get(parent.id) ?? -1);
    const parentPkg =
      parent?.callFrame.url &&
      (packageOf(parent.callFrame.url) ?? workOf(parent.callFrame));
    const kind = workOf(node.callFrame, parentPkg);
    if (kind === 'idle') return;
    // The profiler's own work (sampling, serialising the profile) is not the catalog's.
    if (onStack(node, n => n.callFrame.url === 'node:inspector')) {
      profiler += ms;
      return;
    }
    busy += ms;
    work[kind] = (work[kind] ?? 0) + ms;
    const fn = `${
      node.callFrame.functionName || '(anonymous)'
    } ${node.callFrame.url.replace(/^.*node_modules\//, '')}:${
      node.callFrame.lineNumber + 1
    }`;
    functions[fn] = (functions[fn] ?? 0) + ms;
    let step = 'other (no catalog frame)';
    for (
      let n: ProfileNode | undefined = node;
      n;
      n = byId.get(parentOf.get(n.id) ?? -1)
    ) {
      const hit = STEPS.find(([re]) => re.test(n!.callFrame.url));
      if (hit) {
        step = hit[1];
        break;
      }
    }
    steps[step] = (steps[step] ?? 0) + ms;
  });
  const table = (o: Record<string, number>, top = 25) =>
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({
        name,
        'ms / entity': (ms / entities).toFixed(3),
        '%': ((100 * ms) / busy).toFixed(1),
      }));
  return {
    busyMsPerEntity: busy / entities,
    profilerMsPerEntity: profiler / entities,
    work: table(work),
    steps: table(steps),
    functions: table(functions, 30),
  };
}

/** Statements per entity and their time, by the catalog function that ran them. */
export function analyzeQueries(file: string, entities: number) {
  const stats: Record<string, { count: number; ms: number }> = JSON.parse(
    fs.readFileSync(file, 'utf8'),
  );
  const rows = Object.entries(stats).sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((t, [, s]) => t + s.count, 0);
  return {
    perEntity: total / entities,
    rows: rows.slice(0, 30).map(([key, s]) => ({
      'caller | statement': key.slice(0, 120),
      'per entity': (s.count / entities).toFixed(2),
      'ms / entity (wall)': (s.ms / entities).toFixed(3),
    })),
  };
}

if (require.main === module) {
  const [file, count] = process.argv.slice(2);
  const result = analyzeProfile(file, Number(count));
  console.log(`busy ${result.busyMsPerEntity.toFixed(2)} ms per entity`);
  console.table(result.work);
  console.table(result.steps);
  console.table(result.functions);
  if (fs.existsSync(`${file}.queries.json`)) {
    const queries = analyzeQueries(`${file}.queries.json`, Number(count));
    console.log(`${queries.perEntity.toFixed(1)} statements per entity`);
    console.table(queries.rows);
  }
}
