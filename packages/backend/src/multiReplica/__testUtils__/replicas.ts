import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

/** The few calls of `pg` used here; the package ships no types. */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require('pg') as {
  Client: new (options: { connectionString?: string }) => PgClient;
};

const ROOT = path.resolve(__dirname, '../../../../..');

export const PG_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A database of its own for one run, dropped afterwards. */
export async function freshDatabase() {
  const name = `multi_replica_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL!);
  return {
    connection: {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: name,
    },
    async drop() {
      const c = new Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The lines `@@ <what> <json>` a replica printed, as they come. */
export interface Replica {
  name: string;
  port: number;
  child: ChildProcess;
  reports: Array<{ what: string; detail: any }>;
  ready: Promise<void>;
  log: string[];
}

export function startReplica(options: {
  name: string;
  port: number;
  config: object;
  env: Record<string, string>;
  dir: string;
}): Replica {
  const configFile = path.join(options.dir, `${options.name}.json`);
  fs.writeFileSync(configFile, JSON.stringify(options.config));
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'replica.ts'),
      '--config',
      configFile,
    ],
    {
      cwd: path.join(ROOT, 'packages/backend'),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const replica: Replica = {
    name: options.name,
    port: options.port,
    child,
    reports: [],
    log: [],
    ready: undefined as any,
  };
  let buffered = '';
  replica.ready = new Promise((resolve, reject) => {
    child.stdout!.on('data', (data: Buffer) => {
      buffered += data.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^@@ (\w+) (.*)$/.exec(line);
        if (!m) {
          replica.log.push(line);
          continue;
        }
        replica.reports.push({ what: m[1], detail: JSON.parse(m[2]) });
        if (m[1] === 'ready') resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => replica.log.push(d.toString()));
    child.once('exit', code =>
      reject(
        new Error(
          `replica ${options.name} exited with ${code}: ${replica.log
            .join('\n')
            .slice(-2000)}`,
        ),
      ),
    );
  });
  replica.ready.catch(() => {});
  return replica;
}

/**
 * HAProxy in front of the replicas: round robin, no cookie and no stickiness,
 * health-checked every 500 ms so a dead replica leaves the rotation, and
 * requests that could not reach a replica retried on the other.
 */
export function startBalancer(options: {
  port: number;
  replicas: Replica[];
  dir: string;
}) {
  const cfg = path.join(options.dir, 'haproxy.cfg');
  fs.writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 256',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      // A readiness answer slower than the check interval on a loaded
      // machine is no dead replica: only a refused connection is.
      '  timeout check 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout tunnel 120s',
      '  retries 2',
      '  option redispatch 1',
      '  retry-on conn-failure empty-response',
      'frontend portal',
      `  bind 127.0.0.1:${options.port}`,
      '  default_backend replicas',
      'backend replicas',
      '  balance roundrobin',
      '  option httpchk GET /.backstage/health/v1/readiness',
      '  http-check expect status 200',
      '  default-server inter 500ms fall 1 rise 1',
      '  http-response set-header X-Replica %s',
      ...options.replicas.map(
        r => `  server ${r.name} 127.0.0.1:${r.port} check`,
      ),
      '',
    ].join('\n'),
  );
  const child = spawn('haproxy', ['-db', '-f', cfg], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const errors: string[] = [];
  child.stderr!.on('data', (d: Buffer) => errors.push(d.toString()));
  return { child, errors };
}

export function haproxyAvailable(): boolean {
  return (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin'])
    .some(dir => fs.existsSync(path.join(dir, 'haproxy')));
}

export function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'multi-replica-'));
}
