import type { Duplex } from 'stream';
import WebSocket, { createWebSocketStream } from 'ws';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ConsoleInUseError } from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleOptions,
  ProviderWorkspace,
  WorkspaceCreateSpec,
  WorkspaceProvider,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import {
  ANNOTATION_OWNER,
  buildFirstBootSecret,
  buildVirtualMachine,
  generatePassword,
  MANAGED_BY,
} from './buildVirtualMachine';
import type { KubeVirtCluster } from './clusters';
import { KubeApiError, KubeClient, mapKubeError } from './KubeClient';
import { statusOf, VmiLike, VmLike } from './status';

interface Vm extends VmLike {
  metadata: { name: string; namespace: string; uid?: string; annotations?: Record<string, string> };
}
interface Vmi extends VmiLike {
  metadata: { name: string };
}

const SELECTOR = `app.kubernetes.io%2Fmanaged-by%3D${MANAGED_BY}`;
const VNC_PROTOCOL = 'plain.kubevirt.io';

/**
 * Desktops as KubeVirt VirtualMachines: a root disk cloned from a curated
 * DataSource, an instancetype and preference, and the owner's account made at
 * first boot by cloud-init (Linux) or sysprep (Windows).
 */
export class KubeVirtWorkspaceProvider implements WorkspaceProvider {
  readonly id = 'kubevirt';
  private readonly clients = new Map<string, KubeClient>();

  constructor(
    private readonly clusters: KubeVirtCluster[],
    private readonly logger: LoggerService,
  ) {
    for (const c of clusters) this.clients.set(c.name, new KubeClient(c));
  }

  getClusters() {
    return this.clusters.map(c => ({ name: c.name, os: c.os }));
  }

  private cluster(name: string) {
    const cluster = this.clusters.find(c => c.name === name);
    if (!cluster) throw new NotFoundError(`No KubeVirt cluster named '${name}'`);
    return { cluster, client: this.clients.get(name)! };
  }

  private vmPath(cluster: KubeVirtCluster, name?: string) {
    return `/apis/kubevirt.io/v1/namespaces/${cluster.namespace}/virtualmachines${name ? `/${name}` : ''}`;
  }

  private vmiPath(cluster: KubeVirtCluster, name?: string) {
    return `/apis/kubevirt.io/v1/namespaces/${cluster.namespace}/virtualmachineinstances${name ? `/${name}` : ''}`;
  }

  private toWorkspace(cluster: KubeVirtCluster, vm: Vm, vmi?: Vmi): ProviderWorkspace {
    return {
      name: vm.metadata.name,
      cluster: cluster.name,
      namespace: cluster.namespace,
      owner: vm.metadata.annotations?.[ANNOTATION_OWNER],
      status: statusOf(vm, vmi),
    };
  }

  async create(spec: WorkspaceCreateSpec): Promise<ProviderWorkspace> {
    const { cluster, client } = this.cluster(spec.cluster);
    if (!cluster.os.includes(spec.image.os)) {
      throw new InputError(`Cluster '${cluster.name}' does not run ${spec.image.os} desktops`);
    }
    let vm: ReturnType<typeof buildVirtualMachine>;
    try {
      vm = buildVirtualMachine(spec, cluster);
    } catch (error) {
      throw new InputError((error as Error).message);
    }
    const secret = buildFirstBootSecret(spec, cluster, generatePassword());
    const secretPath = `/api/v1/namespaces/${cluster.namespace}/secrets`;
    try {
      await client.request('POST', secretPath, secret);
    } catch (error) {
      throw mapKubeError(error, `A desktop named '${spec.name}'`, cluster.name);
    }
    let created: Vm;
    try {
      created = await client.request<Vm>('POST', this.vmPath(cluster), vm);
    } catch (error) {
      // Nothing half-created: the first-boot Secret goes with the failed VM.
      await client
        .request('DELETE', `${secretPath}/${secret.metadata.name}`)
        .catch(e => this.logger.warn(`Could not remove Secret ${secret.metadata.name}: ${e}`));
      throw mapKubeError(error, `A desktop named '${spec.name}'`, cluster.name);
    }
    // The Secret is garbage-collected with the VM from now on.
    await client
      .request(
        'PATCH',
        `${secretPath}/${secret.metadata.name}`,
        {
          metadata: {
            ownerReferences: [
              { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: created.metadata.name, uid: created.metadata.uid },
            ],
          },
        },
        'application/merge-patch+json',
      )
      .catch(e => this.logger.warn(`Could not hand Secret ${secret.metadata.name} to its VM: ${e}`));
    return this.toWorkspace(cluster, created);
  }

  async get(ref: WorkspaceRef): Promise<ProviderWorkspace | undefined> {
    const { cluster, client } = this.cluster(ref.cluster);
    const fetchOrUndefined = async <T>(path: string) => {
      try {
        return await client.request<T>('GET', path);
      } catch (error) {
        if (error instanceof KubeApiError && error.statusCode === 404) return undefined;
        throw mapKubeError(error, `Desktop '${ref.name}'`, cluster.name);
      }
    };
    const [vm, vmi] = await Promise.all([
      fetchOrUndefined<Vm>(this.vmPath(cluster, ref.name)),
      fetchOrUndefined<Vmi>(this.vmiPath(cluster, ref.name)),
    ]);
    return vm && this.toWorkspace(cluster, vm, vmi);
  }

  async list(clusterName: string): Promise<ProviderWorkspace[]> {
    const { cluster, client } = this.cluster(clusterName);
    try {
      const [vms, vmis] = await Promise.all([
        client.request<{ items: Vm[] }>('GET', `${this.vmPath(cluster)}?labelSelector=${SELECTOR}`),
        client.request<{ items: Vmi[] }>('GET', `${this.vmiPath(cluster)}?labelSelector=${SELECTOR}`),
      ]);
      const byName = new Map(vmis.items.map(i => [i.metadata.name, i]));
      return vms.items.map(vm => this.toWorkspace(cluster, vm, byName.get(vm.metadata.name)));
    } catch (error) {
      throw mapKubeError(error, 'The list of desktops', cluster.name);
    }
  }

  private async subresource(ref: WorkspaceRef, action: 'start' | 'stop' | 'restart') {
    const { cluster, client } = this.cluster(ref.cluster);
    try {
      await client.request(
        'PUT',
        `/apis/subresources.kubevirt.io/v1/namespaces/${cluster.namespace}/virtualmachines/${ref.name}/${action}`,
        {},
      );
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 409) {
        throw new ConflictError(`Cannot ${action} '${ref.name}': ${error.message}`);
      }
      throw mapKubeError(error, `Desktop '${ref.name}'`, cluster.name);
    }
  }

  start(ref: WorkspaceRef) {
    return this.subresource(ref, 'start');
  }

  stop(ref: WorkspaceRef) {
    return this.subresource(ref, 'stop');
  }

  restart(ref: WorkspaceRef) {
    return this.subresource(ref, 'restart');
  }

  async delete(ref: WorkspaceRef) {
    const { cluster, client } = this.cluster(ref.cluster);
    try {
      await client.request('DELETE', `${this.vmPath(cluster, ref.name)}?propagationPolicy=Foreground`);
    } catch (error) {
      throw mapKubeError(error, `Desktop '${ref.name}'`, cluster.name);
    }
  }

  async openConsole(ref: WorkspaceRef, options?: ConsoleOptions): Promise<Duplex> {
    const { cluster } = this.cluster(ref.cluster);
    const url = `${cluster.url.replace(/^http/, 'ws')}/apis/subresources.kubevirt.io/v1/namespaces/${cluster.namespace}/virtualmachineinstances/${ref.name}/vnc?preserveSession=${options?.preserveSession ? 'true' : 'false'}`;
    const wsOptions: WebSocket.ClientOptions = { handshakeTimeout: cluster.timeoutMs, perMessageDeflate: false };
    await cluster.kubeConfig.applyToHTTPSOptions(wsOptions);
    const socket = new WebSocket(url, [VNC_PROTOCOL], wsOptions);
    // The server speaks first (its RFB version); the stream must listen before the socket opens.
    const stream = createWebSocketStream(socket);
    stream.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => reject(consoleRefusal(res.statusCode ?? 0, body, ref.name)));
      });
      socket.once('error', error =>
        reject(new ServiceUnavailableError(`Cluster '${cluster.name}' could not be reached for the console: ${error.message}`)),
      );
    }).catch(error => {
      stream.destroy();
      throw error;
    });
    return stream;
  }
}

function consoleRefusal(status: number, body: string, name: string): Error {
  let message = body;
  try {
    message = JSON.parse(body).message ?? body;
  } catch {
    // plain text
  }
  if (/active vnc connection|already in use|session/i.test(message) && status !== 404) {
    return new ConsoleInUseError(`Someone else is connected to '${name}': ${message}`);
  }
  switch (status) {
    case 400:
      return new ConflictError(`The desktop '${name}' is not running: ${message}`);
    case 401:
    case 403:
      return new NotAllowedError(`The portal may not open consoles on this cluster: ${message}`);
    case 404:
      return new NotFoundError(`The desktop '${name}' has no running instance`);
    default:
      return new ServiceUnavailableError(`The console of '${name}' could not be opened (${status}): ${message}`);
  }
}
