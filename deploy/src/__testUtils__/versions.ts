import fs from 'fs';
import path from 'path';
import yaml from 'yaml';

const DEPLOY = path.resolve(__dirname, '../..');

export interface Component {
  name: string;
  version: string;
  sources: string[];
  provides: string[];
  requires: string[];
}

/** deploy/versions.yaml: the pins, in install order. */
export function readVersions(): Component[] {
  const file = path.join(DEPLOY, 'versions.yaml');
  const doc = yaml.parse(fs.readFileSync(file, 'utf8'));
  const about = doc.components ?? {};
  return Object.entries(doc)
    .filter(([name]) => name !== 'components')
    .map(([name, version]) => {
      if (typeof version !== 'string')
        throw new Error(
          `${name}: ${JSON.stringify(
            version,
          )} in versions.yaml is not a string; quote it`,
        );
      return {
        name,
        version,
        sources: about[name]?.sources ?? [],
        provides: about[name]?.provides ?? [],
        requires: about[name]?.requires ?? [],
      };
    });
}

/** A shell variable's component: CERT_MANAGER_VERSION -> cert-manager. */
export const componentOfVariable = (variable: string) =>
  variable
    .replace(/_VERSION$/, '')
    .toLowerCase()
    .replace(/_/g, '-');

export interface Finding {
  where: string;
  text: string;
  problem: string;
}

const SKIP_DIRS = new Set(['node_modules', 'src', 'dist', 'dist-types']);
const TEXT = /\.(ya?ml|sh|env|md)$/;

/** Text files of deploy/ that may fetch or name a version, but versions.yaml itself. */
export function deployTextFiles(dir = DEPLOY): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory())
      return SKIP_DIRS.has(e.name) ? [] : deployTextFiles(full);
    if (full === path.join(DEPLOY, 'versions.yaml')) return [];
    return TEXT.test(e.name) ? [full] : [];
  });
}

const VERSION_LIKE = /v?\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*[0-9A-Za-z])?/g;

function containsVersion(token: string, version: string): boolean {
  let from = 0;
  for (;;) {
    const i = token.indexOf(version, from);
    if (i < 0) return false;
    const before = token[i - 1];
    const after = token.slice(i + version.length);
    if (
      (before === undefined || !/[0-9.]/.test(before)) &&
      !/^\.?\d/.test(after)
    )
      return true;
    from = i + 1;
  }
}

/**
 * Lines with backslash continuations joined (a comment's too), each with the
 * index of its first line.
 */
function logicalLines(text: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  let current: [string, number] | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = current ? raw.replace(/^\s*#?\s*/, ' ') : raw;
    current = current ? [current[0] + line, current[1]] : [line, i];
    if (/\\\s*$/.test(raw)) {
      current[0] = current[0].replace(/\\\s*$/, ' ');
      return;
    }
    out.push(current);
    current = undefined;
  });
  if (current) out.push(current);
  return out;
}

/** A source matches where a reference starts with it, at a path boundary unless it ends in "-". */
function refersTo(token: string, source: string): boolean {
  const bare = token.replace(/^[a-z]+:\/\//, '').replace(/^docker:\/\//, '');
  if (!bare.startsWith(source)) return false;
  if (source.endsWith('-')) return true;
  const next = bare[source.length];
  return next === undefined || '/:@'.includes(next);
}

/** What deploy/ fetches from: release downloads, raw files, manifests, charts, images. */
function isArtifact(token: string): boolean {
  return (
    /\/releases\/(download|latest)\//.test(token) ||
    token.includes('raw.githubusercontent.com/') ||
    /\.(ya?ml|tgz|tar\.gz|json)$/.test(token) ||
    /^(ghcr\.io|quay\.io|docker\.io|registry\.k8s\.io|gcr\.io)\/[^:@]+[:@]/.test(
      token.replace(/^[a-z]+:\/\//, ''),
    )
  );
}

/** Registries that are the site's own (the portal and golden images), not upstream. */
const SITE_REGISTRY = /^(docker:\/\/)?registry(\.[a-z]+)?\.example\.com\//;

/**
 * Every place in deploy/'s text files that fetches or pins something, checked
 * against versions.yaml: a reference to a listed source must carry that
 * component's version (or a ${NAME_VERSION} variable of the same component),
 * never "latest"; a *_VERSION default must equal the listed version; a helm
 * --version must match its chart's; and an upstream artifact or image whose
 * source is not listed is a finding too.
 */
export function versionFindings(components: Component[]): Finding[] {
  const byName = new Map(components.map(c => [c.name, c]));
  const findings: Finding[] = [];
  for (const file of deployTextFiles()) {
    const rel = path.relative(DEPLOY, file);
    logicalLines(fs.readFileSync(file, 'utf8')).forEach(([line, i]) => {
      const where = `deploy/${rel}:${i + 1}`;
      const add = (text: string, problem: string) =>
        findings.push({ where, text, problem });

      for (const m of line.matchAll(
        /\b([A-Z][A-Z0-9_]*_VERSION)(?::-|:=|=)["']?(v?\d[^"'\s}]*)/g,
      )) {
        const component = byName.get(componentOfVariable(m[1]));
        if (!component)
          add(m[0], `${m[1]} names no component of versions.yaml`);
        else if (component.version !== m[2])
          add(
            m[0],
            `versions.yaml pins ${component.name} ${component.version}`,
          );
      }

      const helm =
        /helm\s+(?:upgrade\s+--install|install|upgrade|template)\s+\S+\s+(\S+)\s.*--version[\s=]+(\S+)/.exec(
          line,
        );
      if (helm) {
        const chart = helm[1].split('/').pop()!;
        const component = byName.get(chart);
        if (!component) add(helm[0], `chart ${chart} is not in versions.yaml`);
        else if (component.version !== helm[2])
          add(helm[0], `versions.yaml pins ${chart} ${component.version}`);
      }

      const tokens = [...line.matchAll(/[A-Za-z0-9.:/_${}%*+@=-]+/g)]
        .flatMap(m => m[0].split(/:?=|:-/))
        .map(t => {
          let token = t.replace(/[.,;:]+$/, '');
          const open = (token.match(/\{/g) ?? []).length;
          while (
            (token.match(/\}/g) ?? []).length > open &&
            token.endsWith('}')
          )
            token = token.slice(0, -1);
          return token;
        })
        .filter(Boolean);
      for (const token of tokens) {
        if (SITE_REGISTRY.test(token)) continue;
        const component = components.find(c =>
          c.sources.some(s => refersTo(token, s)),
        );
        if (!component) {
          if (
            isArtifact(token) &&
            /(github\.com|githubusercontent\.com|ghcr\.io|quay\.io|docker\.io|registry\.k8s\.io|gcr\.io)/.test(
              token,
            )
          )
            add(token, 'fetches something versions.yaml does not list');
          continue;
        }
        if (/(^|[/:])latest($|[/:])/.test(token)) {
          add(
            token,
            `a moving "latest" instead of ${component.name} ${component.version}`,
          );
          continue;
        }
        if (containsVersion(token, component.version)) continue;
        const variables = [
          ...token.matchAll(/\$\{?([A-Z][A-Z0-9_]*_VERSION)/g),
        ].map(v => componentOfVariable(v[1]));
        if (variables.length && variables.every(v => v === component.name))
          continue;
        const other = token.match(VERSION_LIKE);
        if (other || variables.length)
          add(
            token,
            `pinned to ${
              other?.[0] ?? variables.join(', ')
            }; versions.yaml pins ${component.name} ${component.version}`,
          );
        else if (isArtifact(token))
          add(
            token,
            `no version; versions.yaml pins ${component.name} ${component.version}`,
          );
      }
    });
  }
  return findings;
}

/** HelmChart objects in deploy/'s YAML files, with where they are. */
export function helmCharts(): Array<{ where: string; chart: any }> {
  return deployTextFiles()
    .filter(f => /\.ya?ml$/.test(f))
    .flatMap(f =>
      yaml
        .parseAllDocuments(fs.readFileSync(f, 'utf8'))
        .map(d => d.toJS())
        .filter(
          o => o?.apiVersion === 'helm.cattle.io/v1' && o.kind === 'HelmChart',
        )
        .map(chart => ({ where: `deploy/${path.relative(DEPLOY, f)}`, chart })),
    );
}
