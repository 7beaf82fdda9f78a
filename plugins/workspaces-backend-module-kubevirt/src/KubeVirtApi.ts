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
import { toKubeApiError } from './KubeApiError';
import type {
  DataVolumeObject,
  KubeVirtVersionInfo,
  VirtualMachineInstanceObject,
  VirtualMachineObject,
} from './objects';

const KUBEVIRT = { group: 'kubevirt.io', version: 'v1' };
const CDI = { group: 'cdi.kubevirt.io', version: 'v1beta1' };
const SUBRESOURCES = '/apis/subresources.kubevirt.io/v1';
// An unknown or misspelt field is refused instead of silently dropped, so a
// manifest that does not match the cluster's KubeVirt fails at the order.
const STRICT = { fieldValidation: 'Strict' };

/**
 * The calls the provider makes to one cluster: VMs, VMIs and DataVolumes
 * through `CustomObjectsApi`, Secrets through `CoreV1Api`, and the KubeVirt
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
      this.objects.createNamespacedCustomObject({
        ...this.vms(),
        body,
        ...STRICT,
      }),
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

  /** With `uid`, only that very object goes, never a namesake made since. */
  deleteVirtualMachine(
    name: string,
    propagationPolicy: 'Foreground' | 'Background',
    uid?: string,
  ) {
    return this.call(() =>
      this.objects.deleteNamespacedCustomObject({
        ...this.vms(),
        name,
        propagationPolicy,
        ...(uid ? { body: { preconditions: { uid } } } : {}),
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

  /** The root disk's DataVolume, which CDI fills from the image. */
  getDataVolume(name: string): Promise<DataVolumeObject> {
    return this.call(() =>
      this.objects.getNamespacedCustomObject({
        ...CDI,
        namespace: this.cluster.namespace,
        plural: 'datavolumes',
        name,
      }),
    );
  }

  createSecret(body: V1Secret) {
    return this.call(() =>
      this.core.createNamespacedSecret({
        namespace: this.cluster.namespace,
        body,
        ...STRICT,
      }),
    );
  }

  /**
   * A JSON merge patch of a VirtualMachine. One that carries
   * `metadata.resourceVersion` applies only to that version; otherwise the
   * API server answers 409 Conflict (kubernetes/kubernetes
   * staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
   * `Update`, `OptimisticLockErrorMsg`), which makes a warm-pool claim
   * atomic across portal replicas.
   */
  mergePatchVirtualMachine(
    name: string,
    body: object,
  ): Promise<VirtualMachineObject> {
    return this.call(() =>
      this.objects.patchNamespacedCustomObject(
        { ...this.vms(), name, body, ...STRICT },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  mergePatchSecret(name: string, body: object) {
    return this.call(() =>
      this.core.patchNamespacedSecret(
        { name, namespace: this.cluster.namespace, body, ...STRICT },
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

  /**
   * `PUT .../virtualmachines/{name}/{start|stop|restart}`, with the options
   * body of KubeVirt's `StopOptions`/`RestartOptions`. virt-api decodes these
   * bodies itself and takes no `fieldValidation`
   * (kubevirt/kubevirt pkg/virt-api/rest/subresource.go `decodeBody`).
   */
  async putVirtualMachineSubresource(
    name: string,
    subresource: 'start' | 'stop' | 'restart',
    body: object = {},
  ) {
    await this.send(
      HttpMethod.PUT,
      `${SUBRESOURCES}/namespaces/${encodeURIComponent(
        this.cluster.namespace,
      )}/virtualmachines/${encodeURIComponent(name)}/${subresource}`,
      body,
    );
  }

  /**
   * KubeVirt's own version. Every authenticated user may read it: KubeVirt
   * binds `kubevirt.io:default` to `system:authenticated`
   * (kubevirt/kubevirt pkg/virt-operator/resource/generate/rbac/cluster.go).
   */
  async getKubeVirtVersion(): Promise<KubeVirtVersionInfo> {
    return JSON.parse(
      (await this.send(HttpMethod.GET, `${SUBRESOURCES}/version`)) || '{}',
    );
  }

  /** A request no generated client knows, over the same transport and credentials. */
  private send(method: HttpMethod, path: string, body?: object) {
    return this.call(async () => {
      const request: RequestContext =
        this.configuration.baseServer.makeRequestContext(path, method);
      request.setHeaderParam('Accept', 'application/json');
      if (body) {
        request.setHeaderParam('Content-Type', 'application/json');
        request.setBody(JSON.stringify(body));
      }
      await this.cluster.kubeConfig.applySecurityAuthentication(request);
      request.setSignal(AbortSignal.timeout(this.cluster.timeoutMs));
      const response = await this.configuration.httpApi
        .send(request)
        .toPromise();
      const text = await response.body.text();
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
        throw new ApiException(
          response.httpStatusCode,
          path,
          text,
          response.headers,
        );
      }
      return text;
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
