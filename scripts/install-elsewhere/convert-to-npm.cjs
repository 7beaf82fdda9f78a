#!/usr/bin/env node
// Turns a fresh `@backstage/create-app` app (a Yarn 4 project) into an npm
// workspaces project and adds the Desktop Mania tarballs, the way an adopter
// on npm would: usage `node convert-to-npm.cjs [--pin] <appDir> <tarball>...`.
//
// - --pin: the @backstage/* versions create-app wrote (those of its Backstage
//   release) become exact, so the app is an app of that release. With
//   create-app's ^ ranges and no lock file, the packages float to later
//   Backstage releases that the app's other pins do not match (seen here:
//   the backend failed to start because the newest signals-backend calls
//   httpRouter.addWebSocketHandler, which backend-defaults 0.18 lacks).
// - root package.json: no packageManager; Yarn `resolutions` become npm
//   `overrides`, plus the pins this repository needs (react, react-dom,
//   @yarnpkg/core); scripts that call `yarn workspace` call npm instead.
// - packages/backend: `"app": "link:../app"` (a Yarn protocol) becomes a
//   workspace reference npm understands.
// - the backend packages go to packages/backend, the frontend plugins to
//   packages/app, each as a file: dependency on its tarball; every tarball
//   is also an override, so the suite's own dependencies on each other
//   (exact version 0.1.0) resolve to the tarballs and never to a registry.
'use strict';

const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const pin = args[0] === '--pin';
if (pin) args.shift();
const [appDir, ...tarballs] = args;
if (!appDir || tarballs.length === 0) {
  console.error('usage: convert-to-npm.cjs [--pin] <appDir> <tarball>...');
  process.exit(2);
}

const BACKEND = [
  '@desktop-mania/plugin-workspaces-backend',
  '@desktop-mania/plugin-workspaces-backend-module-local',
  '@desktop-mania/plugin-catalog-backend-module-workspaces',
  '@desktop-mania/plugin-scaffolder-backend-module-workspaces',
  '@desktop-mania/plugin-cluster-health-backend',
];
const FRONTEND = [
  '@desktop-mania/plugin-workspaces',
  '@desktop-mania/plugin-cluster-health',
];

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
const sortKeys = obj =>
  Object.fromEntries(
    Object.entries(obj).sort(([a], [b]) => a.localeCompare(b)),
  );

// Package name -> file: spec, from each tarball's own package.json name.
const { execFileSync } = require('child_process');
const specs = {};
for (const tarball of tarballs) {
  const abs = path.resolve(tarball);
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', abs, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  specs[manifest.name] = `file:${abs}`;
}
for (const name of [...BACKEND, ...FRONTEND]) {
  if (!specs[name]) {
    console.error(`no tarball for ${name}`);
    process.exit(1);
  }
}

function pinBackstage(pkg) {
  if (!pin) return;
  for (const field of ['dependencies', 'devDependencies']) {
    for (const [name, spec] of Object.entries(pkg[field] ?? {})) {
      if (name.startsWith('@backstage/') && /^\^\d/.test(spec)) {
        pkg[field][name] = spec.slice(1);
      }
    }
  }
}

// Root package.json
const rootFile = path.join(appDir, 'package.json');
const root = readJson(rootFile);
pinBackstage(root);
if (!Array.isArray(root.workspaces)) {
  root.workspaces = root.workspaces?.packages ?? ['packages/*', 'plugins/*'];
}
delete root.packageManager;
root.overrides = {
  ...(root.resolutions ?? {}),
  ...(root.overrides ?? {}),
  react: '18.3.1',
  'react-dom': '18.3.1',
  '@yarnpkg/core': '4.9.1',
  ...specs,
};
delete root.resolutions;
for (const [name, script] of Object.entries(root.scripts ?? {})) {
  root.scripts[name] = script.replace(
    /^yarn workspace (\S+) (.+)$/,
    'npm run $2 --workspace $1',
  );
}
writeJson(rootFile, root);

// packages/backend
const backendFile = path.join(appDir, 'packages/backend/package.json');
const backend = readJson(backendFile);
pinBackstage(backend);
for (const field of ['dependencies', 'devDependencies']) {
  for (const [name, spec] of Object.entries(backend[field] ?? {})) {
    if (/^(link|workspace|portal):/.test(spec)) backend[field][name] = '*';
  }
}
for (const name of BACKEND) backend.dependencies[name] = specs[name];
backend.dependencies = sortKeys(backend.dependencies);
writeJson(backendFile, backend);

// packages/app
const appFile = path.join(appDir, 'packages/app/package.json');
const app = readJson(appFile);
pinBackstage(app);
for (const name of FRONTEND) app.dependencies[name] = specs[name];
app.dependencies = sortKeys(app.dependencies);
writeJson(appFile, app);

// Yarn's own files would only confuse npm and the next reader.
for (const entry of ['yarn.lock', '.yarnrc.yml', '.yarn']) {
  fs.rmSync(path.join(appDir, entry), { recursive: true, force: true });
}
fs.writeFileSync(path.join(appDir, '.npmrc'), 'legacy-peer-deps=true\n');
