/*
 * Memory: what one idle local desktop takes (its processes' PSS and RSS from
 * /proc, and its cgroup's memory.current when it has one), and what each
 * open console costs the backend (heap after a forced collection, and RSS)
 * and the desktop's Xvnc, with N consoles open through the real workspaces
 * backend to that one desktop. Needs root (local desktops run as their own
 * users); everything is on loopback and stops by itself.
 * Run: bash bench/run.sh memory [0,10,50]
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { RfbClient } from '@internal/test-support';
import {
  cgroupMemory,
  desktopProcesses,
  openConsole,
  read,
} from './lib/desktopMemory';
import { guestToken, startBackend } from './lib/backend';
import { PORTAL } from './lib/portal';

const LEVELS = (process.argv[2] ?? '0,10,50').split(',').map(Number);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 10_000);
const MiB = 2 ** 20;

type Memory = NodeJS.MemoryUsage;

async function startMemoryBackend(dir: string) {
  // A 1 GiB home: the home image's size must fit the free disk, and an idle
  // desktop does not touch it.
  const { child, stop } = await startBackend({
    name: 'app-config.memory',
    port: Number(new URL(PORTAL).port),
    dir,
    entry: path.join(__dirname, 'lib/memoryBackend.ts'),
    configFiles: [
      path.join(__dirname, 'lib/app-config.bench.yaml'),
      path.join(__dirname, 'lib/app-config.bench-local.yaml'),
    ],
    config:
      'workspaces: { limits: { diskGi: { min: 1, max: 200, default: 1 } } }\n',
    nodeOptions: ['--expose-gc'],
    ipc: true,
    env: { BENCH_LOCAL_DIR: dir },
    appConfigEnv: true,
  });
  const token = await guestToken(PORTAL);
  const api = (url: string, init: RequestInit = {}) =>
    fetch(`${PORTAL}/api/workspaces${url}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
    });
  return {
    token,
    stop,
    async order(name: string) {
      const res = await api('/workspaces', {
        method: 'POST',
        body: JSON.stringify({
          name,
          image: 'bench',
          size: 'small',
          cluster: 'local',
          diskGi: 1,
        }),
      });
      if (!res.ok)
        throw new Error(`order answered ${res.status}: ${await res.text()}`);
    },
    remove: (name: string) => api(`/workspaces/${name}`, { method: 'DELETE' }),
    memory: () =>
      new Promise<Memory>(resolve => {
        const onMessage = (m: any) => {
          if (!m?.memory) return;
          child.off('message', onMessage);
          resolve(m.memory);
        };
        child.on('message', onMessage);
        child.send('memory');
      }),
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const mib = (bytes: number) => (bytes / MiB).toFixed(1);

async function main() {
  if (process.getuid?.() !== 0)
    throw new Error('run as root: local desktops run as their own users');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-memory-'));
  const backend = await startMemoryBackend(dir);
  const name = `mem-${Date.now().toString(36)}`;
  let roots: number[] = [];
  try {
    await backend.order(name);
    const first = new RfbClient(await openConsole(name, backend.token));
    await first.handshake();
    first.request(false, 0, 0, first.width, first.height);
    await first.readUpdate();
    first.close();
    const state = JSON.parse(read(path.join(dir, name, 'state.json')));
    roots = [state.xvnc, state.session, state.sandbox]
      .filter(Boolean)
      .map((ref: { pid: number }) => ref.pid);
    await sleep(IDLE_MS);

    // 1. The idle desktop.
    const processes = desktopProcesses(roots);
    const byName = new Map<
      string,
      { count: number; rss: number; pss: number }
    >();
    for (const p of processes) {
      const row = byName.get(p.name) ?? { count: 0, rss: 0, pss: 0 };
      byName.set(p.name, {
        count: row.count + 1,
        rss: row.rss + p.rss,
        pss: row.pss + p.pss,
      });
    }
    const total = processes.reduce(
      (t, p) => ({ rss: t.rss + p.rss, pss: t.pss + p.pss }),
      { rss: 0, pss: 0 },
    );
    const cgroup = cgroupMemory(state.cgroups);
    console.log(
      `Idle local desktop ${first.width}x${first.height}, ${
        IDLE_MS / 1000
      } s after its first frame:`,
    );
    console.table([
      ...[...byName].map(([process, r]) => ({
        process,
        count: r.count,
        'RSS MiB': mib(r.rss),
        'PSS MiB': mib(r.pss),
      })),
      {
        process: 'total',
        count: processes.length,
        'RSS MiB': mib(total.rss),
        'PSS MiB': mib(total.pss),
      },
      ...(cgroup !== undefined
        ? [
            {
              process: 'cgroup memory.current',
              count: '',
              'RSS MiB': mib(cgroup),
              'PSS MiB': '',
            },
          ]
        : []),
    ]);

    // 2. Consoles: N at a time, each after its first full frame, then idle.
    const xvncRss = () =>
      desktopProcesses(roots)
        .filter(p => p.name === 'Xvnc')
        .reduce((t, p) => t + p.rss, 0);
    const rows = [];
    const results = [];
    for (const n of LEVELS) {
      const before = await backend.memory();
      const xvncBefore = xvncRss();
      const clients: RfbClient[] = [];
      for (let i = 0; i < n; i++) {
        const client = new RfbClient(await openConsole(name, backend.token));
        await client.handshake();
        client.request(false, 0, 0, client.width, client.height);
        await client.readUpdate();
        clients.push(client);
      }
      await sleep(3_000);
      const open = await backend.memory();
      const xvnc = xvncRss();
      for (const c of clients) c.close();
      await sleep(3_000);
      // Open against closed again, both minutes apart at most: the backend's
      // own drift (it collects and compiles as it runs) matters less than
      // against a reading from before. The row for 0 shows that drift.
      const closed = await backend.memory();
      const per = (x: number, y: number) =>
        ((x - y) / Math.max(1, n) / 1024).toFixed(0);
      results.push({
        consoles: n,
        before,
        open,
        closed,
        xvncBefore,
        xvncRss: xvnc,
      });
      rows.push({
        consoles: n,
        'backend heap MiB': mib(open.heapUsed),
        'backend RSS MiB': mib(open.rss),
        'heap / console KiB': per(open.heapUsed, closed.heapUsed),
        'buffers / console KiB': per(
          open.external + open.arrayBuffers,
          closed.external + closed.arrayBuffers,
        ),
        'RSS / console KiB': per(open.rss, closed.rss),
        'heap kept after close MiB': mib(closed.heapUsed - before.heapUsed),
        // Against before: Xvnc keeps what it allocated, closed or not.
        'Xvnc RSS / console KiB': per(xvnc, xvncBefore),
      });
    }
    console.log(
      'Consoles open to that desktop through the backend (each open against closed again):',
    );
    console.table(rows);
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, 'results', 'memory.json'),
      JSON.stringify(
        {
          date: new Date().toISOString(),
          loadavg: os.loadavg(),
          desktop: { processes, cgroup },
          consoles: results,
        },
        null,
        2,
      ),
    );
  } finally {
    await backend.remove(name).catch(() => undefined);
    await sleep(2_000);
    await backend.stop();
    // Desktops outlive the backend: end what is left of ours, by its pids.
    for (const p of desktopProcesses(roots)) {
      try {
        process.kill(p.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
