import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** A running portal beside the main one; `stop` ends its process group. */
export interface ExtraPortal {
  stop(): Promise<void>;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(true);
  }
  return new Promise(resolve => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts the same backend and built app as playwright.config's web server,
 * on app-config.yaml and `configs` (repository paths), and waits until it is
 * ready. Plain node with the CLI's transform rather than `backstage-cli
 * package start`: that one restarts on every source edit, and these portals
 * must keep their consoles open for the whole test.
 */
export async function startExtraPortal(options: {
  /** Names the portal in errors. */
  name: string;
  url: string;
  configs: string[];
  /** The local desktops' folder, beside the main portal's (see desktopsDir). */
  desktopsDir: string;
  log: string;
  timeoutMs: number;
  env?: Record<string, string>;
}): Promise<ExtraPortal> {
  const { name, url, log: logFile } = options;
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      'src/index.ts',
      ...['app-config.yaml', ...options.configs].flatMap(file => [
        '--config',
        path.join(ROOT, file),
      ]),
    ],
    {
      cwd: path.join(ROOT, 'packages/backend'),
      // Its own process group, so stopping it stops its desktops too.
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        ESBK_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
        LOG_LEVEL: 'warn',
        APP_CONFIG_workspaces_local_dataDir: options.desktopsDir,
        ...options.env,
      },
    },
  );
  fs.closeSync(log);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    if (!(await exited(child, 15_000))) process.kill(-child.pid!, 'SIGKILL');
  };
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `The ${name} portal exited with code ${child.exitCode}; see ${logFile}`,
      );
    }
    const ready = await fetch(`${url}/.backstage/health/v1/readiness`, {
      signal: AbortSignal.timeout(2000),
    }).then(
      r => r.ok,
      () => false,
    );
    if (ready) return { stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `The ${name} portal was not ready in time; see ${logFile}`,
      );
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}
