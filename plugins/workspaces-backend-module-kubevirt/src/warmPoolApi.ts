import { ServiceUnavailableError } from '@backstage/errors';
import {
  ApiException,
  createConfiguration,
  CustomObjectsApi,
  PatchStrategy,
  ServerConfiguration,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { KubeVirtCluster } from './clusters';
import { toKubeApiError } from './KubeApiError';
import type { VirtualMachineObject } from './objects';

/**
 * The one call a claim needs that `KubeVirtApi` does not make: a JSON merge
 * patch of a VirtualMachine. A patch carrying `metadata.resourceVersion` is
 * applied only to that version; otherwise the API server answers 409
 * Conflict (kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
 * `Update`, `OptimisticLockErrorMsg`), which is what makes a claim atomic
 * across portal replicas. Same transport, credentials and timeout as
 * `KubeVirtApi`.
 */
export class WarmPoolApi {
  private readonly objects: CustomObjectsApi;

  constructor(private readonly cluster: KubeVirtCluster) {
    this.objects = new CustomObjectsApi(
      createConfiguration({
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
      }),
    );
  }

  async mergePatchVirtualMachine(
    name: string,
    body: object,
  ): Promise<VirtualMachineObject> {
    try {
      return await this.objects.patchNamespacedCustomObject(
        {
          group: 'kubevirt.io',
          version: 'v1',
          namespace: this.cluster.namespace,
          plural: 'virtualmachines',
          name,
          body,
          fieldValidation: 'Strict',
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
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
      throw error;
    }
  }
}
