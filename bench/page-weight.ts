/*
 * Page weight: what the Desktop Mania plugins add to the app's initial
 * bundle, measured against a build of the same app without them, and the
 * size of the console's lazily loaded noVNC chunk.
 * Run: bash bench/run.sh page-weight
 */
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import zlib from 'zlib';

const ROOT = path.resolve(__dirname, '..');
const APP = path.join(ROOT, 'packages/app');

function build(extraConfig?: string) {
  const args = [
    'package',
    'build',
    '--config',
    path.join(ROOT, 'app-config.yaml'),
  ];
  if (extraConfig) args.push('--config', extraConfig);
  const out = spawnSync('backstage-cli', args, { cwd: APP, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`app build failed: ${out.stderr}`);
  const dist = path.join(APP, 'dist');
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  // The initial bundle is what index.html loads before any route renders.
  const initial = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map(m =>
    m[1].replace(/^\//, ''),
  );
  const gz = (file: string) =>
    zlib.gzipSync(fs.readFileSync(path.join(dist, file))).length;
  const chunks = fs
    .readdirSync(path.join(dist, 'static'))
    .filter(f => f.endsWith('.js'));
  const novnc = chunks.filter(f =>
    /noVNC|RFB\.messages|rfb\.js/.test(
      fs.readFileSync(path.join(dist, 'static', f), 'utf8'),
    ),
  );
  return {
    initialGzip: initial.reduce((sum, f) => sum + gz(f), 0),
    initialFiles: initial.length,
    novncGzip: novnc.reduce((sum, f) => sum + gz(`static/${f}`), 0),
    novncInInitial: initial.some(f => novnc.includes(path.basename(f))),
  };
}

const without = path.join(os.tmpdir(), 'app-config.without-suite.yaml');
fs.writeFileSync(
  without,
  'app:\n  packages:\n    exclude:\n      - "@desktop-mania/plugin-workspaces"\n      - "@desktop-mania/plugin-cluster-health"\n',
);
const baseline = build(without);
const suite = build();
const kb = (n: number) => (n / 1024).toFixed(1);
console.table([
  {
    build: 'without the suite',
    'initial JS gzip KiB': kb(baseline.initialGzip),
    files: baseline.initialFiles,
  },
  {
    build: 'with the suite',
    'initial JS gzip KiB': kb(suite.initialGzip),
    files: suite.initialFiles,
  },
]);
console.log(
  `The suite adds ${kb(
    suite.initialGzip - baseline.initialGzip,
  )} KiB gzipped to the initial bundle (${(
    (suite.initialGzip / baseline.initialGzip - 1) *
    100
  ).toFixed(1)} %).`,
);
console.log(
  `noVNC chunk: ${kb(
    suite.novncGzip,
  )} KiB gzipped, loaded only with a console: ${!suite.novncInInitial}.`,
);
fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
fs.writeFileSync(
  path.join(__dirname, 'results', 'page-weight.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      baseline,
      suite,
      addedGzip: suite.initialGzip - baseline.initialGzip,
    },
    null,
    2,
  ),
);
