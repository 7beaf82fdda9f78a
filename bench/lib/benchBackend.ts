/*
 * The portal backend as the benchmarks drive it: real auth (guest sign-in),
 * the real permission policy, the real workspaces plugin and console proxy.
 * Only the desktop runtime is swapped for one that connects each desktop to
 * a socket the benchmark chose (a real Xvnc or the synthetic RFB server).
 */
import net from 'net';
import { createBackend } from '@backstage/backend-defaults';
import { NotFoundError } from '@backstage/errors';
import type {
  ProviderWorkspace,
  WorkspaceProvider,
} from '@desktop-mania/plugin-workspaces-node';
import { providerModule } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { permissionPolicyModule } from '../../packages/backend/src/permissions/permissionPolicyModule';

const targets: Record<string, string> = JSON.parse(
  process.env.BENCH_TARGETS ?? '{}',
);

function connect(target: string) {
  const [kind, ...rest] = target.split(':');
  const socket =
    kind === 'unix'
      ? net.connect(rest.join(':'))
      : net.connect(Number(rest[1]), rest[0]);
  socket.setNoDelay(true);
  return new Promise<net.Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function socketProvider(): WorkspaceProvider {
  const machines = new Map<string, ProviderWorkspace>();
  const find = (name: string) => {
    const m = machines.get(name);
    if (!m) throw new NotFoundError(`no desktop ${name}`);
    return m;
  };
  const provider: WorkspaceProvider = {
    id: 'bench-sockets',
    getClusters: () => [{ name: 'bench', os: ['linux'] }],
    async create(spec) {
      const target = Object.keys(targets).find(k => spec.name.startsWith(k));
      if (!target) throw new NotFoundError(`no bench target for ${spec.name}`);
      const m = {
        name: spec.name,
        cluster: 'bench',
        status: { phase: 'Running' as const, ready: true },
      };
      machines.set(spec.name, m);
      return m;
    },
    async get(ref) {
      return machines.get(ref.name);
    },
    async list() {
      return [...machines.values()];
    },
    async start(ref) {
      find(ref.name);
    },
    async stop(ref) {
      find(ref.name);
    },
    async restart(ref) {
      find(ref.name);
    },
    async delete(ref) {
      machines.delete(ref.name);
    },
    async openConsole(ref) {
      find(ref.name);
      const key = Object.keys(targets).find(k => ref.name.startsWith(k))!;
      return connect(targets[key]);
    },
  };
  return provider;
}

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@desktop-mania/plugin-workspaces-backend'));
backend.add(providerModule('bench-sockets', socketProvider()));
// Used by the time-to-desktop benchmark: real local desktops, and the catalog
// with the module that mirrors desktops into it.
backend.add(import('@desktop-mania/plugin-workspaces-backend-module-local'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@desktop-mania/plugin-catalog-backend-module-workspaces'));
// Ready once its readiness endpoint answers (lib/backend.ts waits for it).
backend.start();
