#!/usr/bin/env node
// Wires Desktop Mania into a fresh create-app app the way an adopter would,
// following docs/installing.md: `node wire-suite.cjs <appDir>`.
// The frontend plugins need no code: with `app.packages: all` (the
// create-app default) the CLI discovers every frontend-plugin package in
// packages/app's dependencies. Only the optional catalog page with
// Workspace columns is a named /alpha export that discovery skips, so it
// is passed to createApp here.
'use strict';

const fs = require('fs');
const path = require('path');

const appDir = process.argv[2];
if (!appDir) {
  console.error('usage: wire-suite.cjs <appDir>');
  process.exit(2);
}

function edit(file, anchor, replacement) {
  const full = path.join(appDir, file);
  const text = fs.readFileSync(full, 'utf8');
  if (!text.includes(anchor)) {
    console.error(`${file} has no '${anchor.trim()}' to wire the suite into`);
    process.exit(1);
  }
  fs.writeFileSync(full, text.replace(anchor, replacement));
}

edit(
  'packages/backend/src/index.ts',
  '\nbackend.start();',
  `
// Desktop Mania: the workspaces plugin with the local desktop provider, the
// Workspace kind in the catalog, the template actions, and cluster health.
backend.add(import('@desktop-mania/plugin-workspaces-backend'));
backend.add(import('@desktop-mania/plugin-workspaces-backend-module-local'));
backend.add(import('@desktop-mania/plugin-catalog-backend-module-workspaces'));
backend.add(
  import('@desktop-mania/plugin-scaffolder-backend-module-workspaces'),
);
backend.add(import('@desktop-mania/plugin-cluster-health-backend'));

backend.start();`,
);

edit(
  'packages/app/src/App.tsx',
  "import { createApp } from '@backstage/frontend-defaults';\n",
  "import { createApp } from '@backstage/frontend-defaults';\n" +
    "import { workspacesCatalogModule } from '@desktop-mania/plugin-workspaces/alpha';\n",
);
edit(
  'packages/app/src/App.tsx',
  'features: [',
  'features: [workspacesCatalogModule, ',
);
