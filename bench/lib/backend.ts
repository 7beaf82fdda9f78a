/*
 * How every benchmark starts a portal backend: the real one
 * (packages/backend, as scripts/start.sh runs it) or a bench backend of this
 * folder (benchBackend.ts and the ones built on it). Each reads the config
 * written for it, runs as a process group of its own that stops with the
 * benchmark, and is ready once its readiness endpoint answers, which every
 * backend made with createBackend serves.
 */
import { spawnSync, type ChildProcess, type StdioOptions } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { waitFor } from './processes';
import {
  answers,
  spawnGroup,
  stopGroup,
  withoutAppConfig,
} from './processGroups';

const ROOT = path.resolve(__dirname, '../..');
const REAL_BACKEND = path.join(ROOT, 'packages/backend');

export interface BackendOptions {
  /** Names the config file written for it, `<dir>/<name>.yaml` (default `backend`), and its messages. */
  name?: string;
  /** The port it listens on, at 127.0.0.1: the real backend's config says so; a bench backend's own config must. */
  port: number;
  /** Where the config file goes (and the real backend's SQLite, under `sqlite`); the system's temporary folder by default. */
  dir?: string;
  /** A bench backend to run instead of the real one. */
  entry?: string;
  /** Config files read before `config`; the real backend reads app-config.yaml first. */
  configFiles?: string[];
  /**
   * The benchmark's own config, read last: YAML text, or an object (written
   * as JSON, which YAML reads). The real backend's has the app and backend
   * on `port` with SQLite added, and `backend` fields (cors).
   */
  config?: string | object;
  backend?: object;
  /** More environment; LOG_LEVEL is warn and NODE_ENV development unless given. */
  env?: Record<string, string>;
  /** Options for node, e.g. --expose-gc. */
  nodeOptions?: string[];
  /** Keeps the caller's APP_CONFIG_* variables, which some benchmarks configure a bench backend with. */
  appConfigEnv?: boolean;
  /** An IPC channel, for a bench backend that answers messages. */
  ipc?: boolean;
  /** Where its output goes; without one it writes errors to this process's stderr. */
  log?: string;
  timeoutMs?: number;
}

export interface Backend {
  origin: string;
  pid: number;
  child: ChildProcess;
  /** Stops its process group; resolves once the backend has exited. */
  stop(): Promise<void>;
}

/** The real backend's config: the app and backend on loopback, SQLite in `dir`, and the benchmark's. */
function realConfig(origin: string, dir: string, options: BackendOptions) {
  if (typeof options.config === 'string')
    throw new Error('the real backend takes its config as an object');
  return {
    app: { baseUrl: origin },
    backend: {
      baseUrl: origin,
      listen: { port: options.port, host: '127.0.0.1' },
      database: {
        client: 'better-sqlite3',
        connection: { directory: path.join(dir, 'sqlite') },
      },
      ...options.backend,
    },
    ...options.config,
  };
}

/** Starts a backend and waits until it is ready. */
export async function startBackend(options: BackendOptions): Promise<Backend> {
  const name = options.name ?? 'backend';
  const origin = `http://localhost:${options.port}`;
  const dir = options.dir ?? os.tmpdir();
  const configFiles = [
    ...(options.configFiles ??
      (options.entry ? [] : [path.join(ROOT, 'app-config.yaml')])),
  ];
  const config = options.entry
    ? options.config
    : realConfig(origin, dir, options);
  if (config !== undefined) {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(
      file,
      typeof config === 'string' ? config : JSON.stringify(config),
    );
    configFiles.push(file);
  }
  const out = options.log ? fs.openSync(options.log, 'w') : 'ignore';
  const stdio: StdioOptions = [
    'ignore',
    out,
    options.log ? out : 'inherit',
    ...(options.ipc ? ['ipc' as const] : []),
  ];
  // Plain node rather than `package start`, whose watcher would restart the
  // backend whenever a source file changes during the run.
  const child = spawnGroup(
    process.execPath,
    [
      ...(options.nodeOptions ?? []),
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      options.entry ?? 'src/index.ts',
      ...configFiles.flatMap(c => ['--config', c]),
    ],
    {
      cwd: options.entry ? ROOT : REAL_BACKEND,
      stdio,
      env: {
        ...(options.appConfigEnv ? process.env : withoutAppConfig(process.env)),
        BROWSER: 'none',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'development',
        ...options.env,
      },
    },
  );
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  const stop = async () => {
    stopGroup(child);
    // A backend that has not shut down by then is not waited for longer.
    const kill = setTimeout(() => stopGroup(child, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(kill);
  };
  try {
    await waitFor(
      () => answers(`${origin}/.backstage/health/v1/readiness`, child),
      name,
      options.timeoutMs ?? 300_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, pid: child.pid!, child, stop };
}

/** A token of the guest sign-in, which the bench configs enable. */
export async function guestToken(origin: string) {
  const res = await fetch(`${origin}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok)
    throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  return (await res.json()).backstageIdentity.token as string;
}

/** Builds the app the real backend serves unless it is unchanged; seconds it took. */
export function buildApp(timeoutMs: number) {
  const started = performance.now();
  const build = spawnSync(
    'bash',
    ['-c', 'source scripts/lib.sh && ensure_app_build "$ROOT"'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: timeoutMs,
    },
  );
  if (build.status !== 0) throw new Error(`app build failed: ${build.stderr}`);
  return (performance.now() - started) / 1000;
}
