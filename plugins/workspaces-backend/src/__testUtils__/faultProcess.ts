import { fork, type ChildProcess } from 'child_process';
import path from 'path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { EventParams } from '@backstage/plugin-events-node';
import type { Knex } from 'knex';

/** What the fault suite passes to faultBackend.ts in FAULT_BACKEND, as JSON. */
export interface FaultBackendOptions {
  database: Knex.Config;
  machinesFile: string;
  maxPerOwner: number;
}

/** How long each create and delete of the fault backend's provider takes. */
export const PROVIDER_DELAY_MS = 2000;

/** A workspaces backend running in a child process. */
export interface FaultBackend {
  /** Sends a request to the plugin as the given person. */
  call(
    method: string,
    route: string,
    user: string,
    body?: object,
  ): Promise<{ status: number; body: any }>;
  port: number;
  /** Everything it printed so far. */
  output(): string;
  /** Events it published. */
  events: EventParams[];
  /** SIGKILL: no shutdown hook, no finally block runs. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();

async function killChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Kills every fault backend still running; for afterAll. */
export async function killFaultBackends() {
  await Promise.all([...running].map(killChild));
}

/** Starts faultBackend.ts and waits until it listens. */
export async function startFaultBackend(
  options: FaultBackendOptions,
  timeoutMs = 30_000,
): Promise<FaultBackend> {
  const child = fork(path.join(__dirname, 'faultBackend.ts'), [], {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    env: { ...process.env, FAULT_BACKEND: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const events: EventParams[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      killChild(child);
      reject(new Error(`no fault backend after ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    // The TypeScript loader talks over IPC too; only these are ours.
    child.on('message', (message: any) => {
      if (message?.type === 'event') events.push(message.event);
      if (message?.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`the fault backend exited with ${code}: ${output}`));
    });
  });
  return {
    port,
    events,
    output: () => output,
    kill: () => killChild(child),
    async call(method, route, user, body) {
      const res = await fetch(
        `http://localhost:${port}/api/workspaces${route}`,
        {
          method,
          headers: {
            Authorization: mockCredentials.user.header(user),
            'Content-Type': 'application/json',
          },
          body: body && JSON.stringify(body),
        },
      );
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

/** Polls until `check` returns something, or fails naming what it waited for. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
