import { ServiceUnavailableError } from '@backstage/errors';
import {
  ApiException,
  Configuration,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  HttpMethod,
  PatchStrategy,
  RequestContext,
  ServerConfiguration,
  setHeaderOptions,
  V1Secret,
} from '@kubernetes/client-node';
import type { KubeVirtCluster } from './clusters';

/** A refusal from the API server, with the fields of its `Status` body. */
export class KubeApiError extends Error {
  name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The parts of a VirtualMachine this module reads back. */
export interface VirtualMachineObject {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  status?: {
    printableStatus?: string;
    ready?: boolean;
    conditions?: Array<{
      type: string;
      status: string;
      reason?: string;
      message?: string;
    }>;
  };
}

/** The parts of a VirtualMachineInstance this module reads back. */
export interface VirtualMachineInstanceObject {
  metadata: { name: string };
  status?: {
    phase?: string;
    nodeName?: string;
    interfaces?: Array<{ ipAddress?: string }>;
  };
}

const KUBEVIRT = { group: 'kubevirt.io', version: 'v1' };

/**
 * The calls the provider makes to one cluster: VMs and VMIs through
 * `CustomObjectsApi`, Secrets through `CoreV1Api`, and the KubeVirt
 * subresources (which no generated client knows) as plain requests over the
 * same transport. Every call carries the cluster's credentials and gives up
 * after the cluster's timeout.
 */
export class KubeVirtApi {
  private readonly configuration: Configuration;
  private readonly objects: CustomObjectsApi;
  private readonly core: CoreV1Api;

  constructor(private readonly cluster: KubeVirtCluster) {
    this.configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.url, {}),
      authMethods: { default: cluster.kubeConfig },
      promiseMiddleware: [
        {
          pre: async context => {
            context.setSignal(AbortSignal.timeout(cluster.timeoutMs));
            return context;
          },
          post: async response => response,
        },
      ],
    });
    this.objects = new CustomObjectsApi(this.configuration);
    this.core = new CoreV1Api(this.configuration);
  }

  createVirtualMachine(body: object): Promise<VirtualMachineObject> {
    return this.call(() =>
      this.objects.createNamespacedCustomObject({ ...this.vms(), body }),
    );
  }

  getVirtualMachine(name: string): Promise<VirtualMachineObject> {
    return this.call(() =>
      this.objects.getNamespacedCustomObject({ ...this.vms(), name }),
    );
  }

  async listVirtualMachines(
    labelSelector: string,
  ): Promise<VirtualMachineObject[]> {
    const list = await this.call(() =>
      this.objects.listNamespacedCustomObject({ ...this.vms(), labelSelector }),
    );
    return list.items ?? [];
  }

  deleteVirtualMachine(
    name: string,
    propagationPolicy: 'Foreground' | 'Background',
  ) {
    return this.call(() =>
      this.objects.deleteNamespacedCustomObject({
        ...this.vms(),
        name,
        propagationPolicy,
      }),
    );
  }

  getVirtualMachineInstance(
    name: string,
  ): Promise<VirtualMachineInstanceObject> {
    return this.call(() =>
      this.objects.getNamespacedCustomObject({ ...this.vmis(), name }),
    );
  }

  async listVirtualMachineInstances(
    labelSelector: string,
  ): Promise<VirtualMachineInstanceObject[]> {
    const list = await this.call(() =>
      this.objects.listNamespacedCustomObject({
        ...this.vmis(),
        labelSelector,
      }),
    );
    return list.items ?? [];
  }

  createSecret(body: V1Secret) {
    return this.call(() =>
      this.core.createNamespacedSecret({
        namespace: this.cluster.namespace,
        body,
      }),
    );
  }

  mergePatchSecret(name: string, body: object) {
    return this.call(() =>
      this.core.patchNamespacedSecret(
        { name, namespace: this.cluster.namespace, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  deleteSecret(name: string) {
    return this.call(() =>
      this.core.deleteNamespacedSecret({
        name,
        namespace: this.cluster.namespace,
      }),
    );
  }

  /** `PUT .../virtualmachines/{name}/{start|stop|restart}` of `subresources.kubevirt.io/v1`. */
  async putVirtualMachineSubresource(
    name: string,
    subresource: 'start' | 'stop' | 'restart',
  ) {
    const path = `/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(
      this.cluster.namespace,
    )}/virtualmachines/${encodeURIComponent(name)}/${subresource}`;
    await this.call(async () => {
      const request: RequestContext =
        this.configuration.baseServer.makeRequestContext(path, HttpMethod.PUT);
      request.setHeaderParam('Content-Type', 'application/json');
      request.setHeaderParam('Accept', 'application/json');
      request.setBody('{}');
      await this.cluster.kubeConfig.applySecurityAuthentication(request);
      request.setSignal(AbortSignal.timeout(this.cluster.timeoutMs));
      const response = await this.configuration.httpApi
        .send(request)
        .toPromise();
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
        throw new ApiException(
          response.httpStatusCode,
          subresource,
          await response.body.text(),
          response.headers,
        );
      }
    });
  }

  private vms() {
    return {
      ...KUBEVIRT,
      namespace: this.cluster.namespace,
      plural: 'virtualmachines',
    };
  }

  private vmis() {
    return {
      ...KUBEVIRT,
      namespace: this.cluster.namespace,
      plural: 'virtualmachineinstances',
    };
  }

  /**
   * Runs one call; a refusal becomes a KubeApiError, a cluster that cannot be
   * reached or does not answer in time a ServiceUnavailableError.
   */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof ApiException) {
        throw toKubeApiError(error.code, error.body);
      }
      const e = error as Error;
      if (e.name === 'AbortError' || e.name === 'TimeoutError') {
        throw new ServiceUnavailableError(
          `Cluster '${this.cluster.name}' did not answer within ${this.cluster.timeoutMs} ms`,
        );
      }
      if (e.name === 'FetchError') {
        throw new ServiceUnavailableError(
          `Cluster '${this.cluster.name}' could not be reached: ${e.message}`,
        );
      }
      throw error;
    }
  }
}

function toKubeApiError(statusCode: number, body: unknown): KubeApiError {
  let status: { reason?: string; message?: string } | undefined;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      status = { message: body };
    }
  } else if (body && typeof body === 'object') {
    status = body as typeof status;
  }
  return new KubeApiError(
    statusCode,
    status?.reason ?? '',
    status?.message?.trim() || `HTTP ${statusCode}`,
  );
}
