import { fork } from 'child_process';
import path from 'path';
import WebSocket from 'ws';
import { encodeConsoleTokenProtocol } from '@desktop-mania/plugin-workspaces-common';
import { websocketTransport, type Transport } from '@internal/test-support';
import { guestToken, startBackend } from './backend';

export const PORTAL = 'http://localhost:7027';
const ROOT = path.resolve(__dirname, '../..');

/** Starts the bench backend in its own process, so its CPU and memory can be read apart from the clients. */
export async function startPortal(
  targets: Record<string, string>,
  extraConfigs: string[] = [],
) {
  const backend = await startBackend({
    name: 'bench backend',
    port: Number(new URL(PORTAL).port),
    entry: path.join(__dirname, 'benchBackend.ts'),
    configFiles: [
      path.join(__dirname, 'app-config.bench.yaml'),
      ...extraConfigs,
    ],
    env: { BENCH_TARGETS: JSON.stringify(targets) },
    // Some benchmarks configure it this way (recording-cost).
    appConfigEnv: true,
  });
  const token = await guestToken(PORTAL);
  return {
    pid: backend.pid,
    token,
    async order(name: string, cluster?: string) {
      const res = await fetch(`${PORTAL}/api/workspaces/workspaces`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          name,
          image: 'bench',
          size: 'small',
          ...(cluster ? { cluster } : {}),
        }),
      });
      if (!res.ok)
        throw new Error(`order failed: ${res.status} ${await res.text()}`);
    },
    async remove(name: string) {
      await fetch(`${PORTAL}/api/workspaces/workspaces/${name}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token}` },
      });
    },
    async inCatalog(name: string) {
      const res = await fetch(
        `${PORTAL}/api/catalog/entities/by-name/workspace/default/${name}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      return res.ok;
    },
    stop: backend.stop,
  };
}

/** Where a desktop's console is, and the subprotocols that carry the person's token. */
export function consoleEndpoint(name: string, token: string) {
  return {
    url: `${PORTAL.replace(
      'http',
      'ws',
    )}/api/workspaces/workspaces/${name}/console`,
    protocols: ['binary', encodeConsoleTokenProtocol(token)],
  };
}

/** A console session through the portal, opened the way the browser does. */
export function openConsole(
  name: string,
  token: string,
): Promise<Transport & { ws: WebSocket }> {
  const { url, protocols } = consoleEndpoint(name, token);
  const ws = new WebSocket(url, protocols, {
    origin: PORTAL,
    perMessageDeflate: false,
  });
  return wsTransport(ws);
}

export function wsTransport(
  ws: WebSocket,
): Promise<Transport & { ws: WebSocket }> {
  ws.binaryType = 'nodebuffer';
  const transport = websocketTransport(ws as any);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      (ws as any)._socket?.setNoDelay(true);
      resolve({ ...transport, ws });
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, r) =>
      reject(new Error(`upgrade refused: ${r.statusCode}`)),
    );
  });
}

/** CPU seconds and resident memory of a process, from /proc. */
export async function processUsage(pid: number) {
  const fs = await import('fs/promises');
  const stat = (await fs.readFile(`/proc/${pid}/stat`, 'utf8'))
    .split(') ')[1]
    .split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssBytes: rssKb * 1024 };
}

/** Starts the synthetic RFB server in a child process; resolves its port. */
export async function startSyntheticServerProcess(width = 1024, height = 768) {
  const child = fork(
    path.join(__dirname, 'syntheticServer.ts'),
    [String(width), String(height)],
    {
      cwd: ROOT,
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: any) => m?.port && resolve(m.port));
    child.once('exit', code =>
      reject(new Error(`synthetic server exited ${code}`)),
    );
  });
  return { port, pid: child.pid!, close: () => child.kill('SIGTERM') };
}
