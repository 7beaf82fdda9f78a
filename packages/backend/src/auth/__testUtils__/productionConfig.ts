import path from 'path';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import { ServiceFactoryTester } from '@backstage/backend-test-utils';
import type { Config, JsonObject } from '@backstage/config';

export const REPO_ROOT = path.resolve(__dirname, '../../../../..');
export const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy/base/backstage');

/**
 * The files the Deployment passes with --config, as the backend's own config
 * loader reads them: merged in order, ${...} taken from `env`.
 */
export async function loadProductionConfig(
  env: Record<string, string>,
): Promise<Config> {
  const saved = Object.fromEntries(
    Object.keys(env).map(key => [key, process.env[key]]),
  );
  Object.assign(process.env, env);
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return await ServiceFactoryTester.from(
      rootConfigServiceFactory({
        argv: [
          '--config',
          path.join(REPO_ROOT, 'app-config.yaml'),
          '--config',
          path.join(DEPLOY_DIR, 'app-config.production.yaml'),
        ],
        watch: false,
      }),
    ).getSubject();
  } finally {
    log.mockRestore();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/**
 * Where a `file` location of the container lands in this checkout. The image
 * runs in /app, a copy of the repository root (packages/backend/Dockerfile),
 * and the Deployment mounts the ConfigMap generated from deploy/base/backstage
 * at /config.
 */
export function checkoutPathOf(target: string): string {
  if (target.startsWith('/config/')) {
    return path.join(DEPLOY_DIR, target.slice('/config/'.length));
  }
  if (path.isAbsolute(target)) {
    throw new Error(`No place in the container for ${target}`);
  }
  return path.join(REPO_ROOT, target);
}

/**
 * The production config as data for a test backend: catalog file locations
 * point into this checkout, and the database is SQLite in memory instead of
 * the CloudNativePG cluster. Everything else is as production has it.
 */
export function asTestBackendConfig(config: Config): JsonObject {
  const data = JSON.parse(JSON.stringify(config.get())) as any;
  data.backend.database = { client: 'better-sqlite3', connection: ':memory:' };
  for (const location of data.catalog.locations) {
    if (location.type === 'file') {
      location.target = checkoutPathOf(location.target);
    }
  }
  return data;
}
