import fs from 'fs';
import net from 'net';
import path from 'path';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  workspaceProvidersExtensionPoint,
  type ProviderWorkspace,
  type WorkspaceCreateSpec,
  type WorkspaceProvider,
  type WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';

/**
 * One cluster that every replica reaches, as the RKE2 cluster is in
 * production: its machines are files in MULTI_REPLICA_CLUSTER_DIR, and every
 * running desktop's screen is the RFB server at MULTI_REPLICA_RFB_PORT, which
 * the test runs.
 */
class SharedClusterProvider implements WorkspaceProvider {
  readonly id = 'shared';

  constructor(private readonly dir: string, private readonly rfbPort: number) {}

  getClusters() {
    return [{ name: 'test', os: ['linux' as const] }];
  }

  private file(name: string) {
    return path.join(this.dir, `${name}.json`);
  }

  async create(spec: WorkspaceCreateSpec): Promise<ProviderWorkspace> {
    const machine: ProviderWorkspace = {
      name: spec.name,
      cluster: spec.cluster,
      owner: spec.owner,
      status: { phase: 'Running', ready: true, consolePreservesSession: true },
    };
    try {
      fs.writeFileSync(this.file(spec.name), JSON.stringify(machine), {
        flag: 'wx',
      });
    } catch {
      throw new ConflictError(`${spec.name} exists`);
    }
    return machine;
  }

  async get(ref: WorkspaceRef): Promise<ProviderWorkspace | undefined> {
    try {
      return JSON.parse(fs.readFileSync(this.file(ref.name), 'utf8'));
    } catch {
      return undefined;
    }
  }

  async list(): Promise<ProviderWorkspace[]> {
    return fs
      .readdirSync(this.dir)
      .filter(f => f.endsWith('.json'))
      .map(f => JSON.parse(fs.readFileSync(path.join(this.dir, f), 'utf8')));
  }

  async start() {}
  async stop() {}
  async restart() {}

  async delete(ref: WorkspaceRef) {
    if (!(await this.get(ref))) throw new NotFoundError(`${ref.name} is gone`);
    fs.rmSync(this.file(ref.name));
  }

  async openConsole() {
    const socket = net.connect(this.rfbPort, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }
}

export const sharedClusterModule = createBackendModule({
  pluginId: 'workspaces',
  moduleId: 'shared-cluster',
  register(reg) {
    reg.registerInit({
      deps: { providers: workspaceProvidersExtensionPoint },
      async init({ providers }) {
        providers.addProvider(
          new SharedClusterProvider(
            process.env.MULTI_REPLICA_CLUSTER_DIR!,
            Number(process.env.MULTI_REPLICA_RFB_PORT),
          ),
        );
      },
    });
  },
});
