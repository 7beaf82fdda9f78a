#!/usr/bin/env node
// Reads what `npm pack` produced, the way a registry and an adopter's
// package manager see it: `node check-tarballs.cjs <tarball>...`.
// Prints one line per problem (nothing when all is well) and always exits 0
// unless it cannot read a tarball; the caller decides what a problem costs.
//
// For every tarball: the entry points (main, module, types, every exports
// and typesVersions target) and the configSchema exist in the tarball;
// package.json was rewritten for publishing (no src/ entry points left) and
// is not private; the suite's own dependencies on each other name a
// package and version that is among the tarballs.
'use strict';

const { execFileSync } = require('child_process');
const path = require('path');

const packages = new Map();
for (const tarball of process.argv.slice(2)) {
  const files = new Set(
    execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(f => f.replace(/^package\//, '')),
  );
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  packages.set(manifest.name, {
    tarball: path.basename(tarball),
    files,
    manifest,
  });
}

const problems = [];
const targets = value =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
    ? Object.values(value).flatMap(targets)
    : [];

for (const [name, { files, manifest }] of packages) {
  const need = (field, target) => {
    const file = path.posix.normalize(target).replace(/^\.\//, '');
    if (file.startsWith('src/')) {
      problems.push(
        `${name}: ${field} is still ${target} (a source file) in the packed package.json`,
      );
    } else if (!files.has(file)) {
      problems.push(
        `${name}: ${field} points to ${target}, which is not in the tarball`,
      );
    }
  };
  if (manifest.private)
    problems.push(`${name}: package.json says "private": true`);
  for (const field of ['main', 'module', 'types', 'typings', 'browser']) {
    if (typeof manifest[field] === 'string') need(field, manifest[field]);
  }
  for (const [mount, value] of Object.entries(manifest.exports ?? {})) {
    for (const target of targets(value)) {
      if (target.startsWith('@backstage/')) continue; // feature type markers
      need(`exports["${mount}"]`, target);
    }
  }
  for (const [sub, list] of Object.entries(
    manifest.typesVersions?.['*'] ?? {},
  )) {
    for (const target of list) need(`typesVersions["${sub}"]`, target);
  }
  if (manifest.configSchema) need('configSchema', manifest.configSchema);
  for (const [dep, spec] of Object.entries(manifest.dependencies ?? {})) {
    if (!dep.startsWith('@desktop-mania/')) continue;
    const other = packages.get(dep);
    if (!other) {
      problems.push(
        `${name}: depends on ${dep}@${spec}, which is not among the packed packages`,
      );
    } else if (other.manifest.version !== spec.replace(/^[\^~]/, '')) {
      problems.push(
        `${name}: depends on ${dep}@${spec}, but the packed one is ${other.manifest.version}`,
      );
    }
  }
}

for (const line of problems) console.log(line);
