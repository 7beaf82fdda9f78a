import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  documents,
  parseArgs,
  type FakeCluster,
  type KubeObject,
} from './fakeCluster';
import { runScript, type FakeKubectl, type ScriptResult } from './fakeKubectl';

export const DEPLOY = path.resolve(__dirname, '../../..');
export const REPO = path.resolve(DEPLOY, '..');
export const INSTALL_SH = path.join(DEPLOY, 'install.sh');
export const GUIDE = path.join(REPO, 'docs/cluster-guide.md');

/**
 * Scratch space of a test file (inputs, logs, fake nodes), made when first
 * asked for; jest evaluates this module once per test file, which removes
 * it with removeScratch.
 */
let scratchDir: string | undefined;
export function scratch(): string {
  scratchDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'install-tests-'));
  return scratchDir;
}
export function removeScratch() {
  if (scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
  scratchDir = undefined;
}

/** The phases of install.sh, in its order. */
export const PHASES = [
  'namespaces',
  'secrets',
  'operators',
  'resources',
  'monitoring',
  'portal',
] as const;

/**
 * A value for each operator input: the path of a file holding a test
 * value, which serves both the inputs that are text and those that name a
 * file (the TLS certificate and key).
 */
export function inputValues(names: string[]): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(scratch(), 'inputs-'));
  return Object.fromEntries(
    names.map(name => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, `test value of ${name}\n`);
      return [name, file];
    }),
  );
}

export interface InstallRun extends ScriptResult {
  /** How many of the cluster's calls and events came before this run. */
  callsBefore: number;
  eventsBefore: number;
}

/**
 * Runs deploy/install.sh against the fake cluster: no polling delay, short
 * timeouts (the model answers at once or never), stdin not a terminal.
 */
export async function runInstall(
  fake: FakeKubectl,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<InstallRun> {
  const callsBefore = fake.cluster.calls.length;
  const eventsBefore = fake.cluster.events.length;
  const log = path.join(
    fs.mkdtempSync(path.join(scratch(), 'log-')),
    'install.log',
  );
  const result = await runScript('bash', [INSTALL_SH, ...args], {
    env: {
      PATH: `${fake.binDir}:${process.env.PATH}`,
      HOME: process.env.HOME,
      TMPDIR: os.tmpdir(),
      POLL_INTERVAL: '0',
      WAIT_TIMEOUT: '2',
      APPLY_ATTEMPTS: '1',
      INSTALL_LOG: log,
      ...env,
    },
    cwd: REPO,
  });
  return { ...result, callsBefore, eventsBefore };
}

/** The objects a run (or the whole cluster history, from 0) created, in order. */
export function createdSince(cluster: FakeCluster, eventsBefore = 0) {
  return cluster.events
    .slice(eventsBefore)
    .filter(e => e.op === 'create')
    .map(e => e.key);
}

/** Every object the install sent to the cluster as a file or on stdin. */
export function sentObjects(cluster: FakeCluster): KubeObject[] {
  return cluster.calls
    .filter(
      c =>
        c.code === 0 &&
        ['apply', 'create'].includes(parseArgs(c.argv).positional[0]),
    )
    .flatMap(c => [...Object.values(c.files), c.stdin ?? ''])
    .flatMap(text => documents(text).filter(o => o?.kind));
}
