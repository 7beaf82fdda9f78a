import {
  ApiException,
  ApisApi,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  StorageV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { waitFor } from './budget';
import type { ConformanceSettings } from './settings';

export const KUBEVIRT = { group: 'kubevirt.io', version: 'v1' };
export const CDI = { group: 'cdi.kubevirt.io', version: 'v1beta1' };
export const INSTANCETYPES = 'instancetype.kubevirt.io';
export type ApiGroup = typeof KUBEVIRT;

/** On everything the suite makes, so a run left behind can be found and removed by hand. */
export const RUN_LABEL = 'desktopmania.io/conformance-run';

/** undefined for a 404, the object otherwise. */
export async function orMissing<T>(
  promise: Promise<T>,
): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return undefined;
    throw error;
  }
}

/** The API server `kubeConfig` names, without the slash paths are joined with. */
export const serverOf = (kubeConfig: KubeConfig) =>
  kubeConfig.getCurrentCluster()!.server.replace(/\/+$/, '');

/**
 * The cluster as the operator's kubeconfig sees it: everything the provider
 * must not be able to do (namespaces, RBAC, tokens, images, quotas) and the
 * checks behind the provider's back (what is really left on the cluster).
 * Each concern is a file of functions taking it: accounts, imageSource,
 * instancetypes, leftovers, rawAnswers.
 */
export class AdminCluster {
  readonly core: CoreV1Api;
  readonly objects: CustomObjectsApi;
  readonly rbac: RbacAuthorizationV1Api;
  readonly storage: StorageV1Api;
  /** The preferred version of instancetype.kubevirt.io, once `versions` has read it. */
  instancetypeVersion?: string;

  private constructor(readonly kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.objects = kubeConfig.makeApiClient(CustomObjectsApi);
    this.rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    this.storage = kubeConfig.makeApiClient(StorageV1Api);
  }

  static load(settings: ConformanceSettings) {
    const kubeConfig = new KubeConfig();
    if (settings.kubeconfigFile)
      kubeConfig.loadFromFile(settings.kubeconfigFile);
    // Like kubectl: KUBECONFIG may list several files, merged.
    else kubeConfig.loadFromDefault();
    if (settings.context) {
      if (!kubeConfig.getContextObject(settings.context)) {
        throw new Error(
          `The kubeconfig from ${settings.kubeconfigFrom} has no context '${settings.context}' (CONFORMANCE_CONTEXT)`,
        );
      }
      kubeConfig.setCurrentContext(settings.context);
    }
    if (!kubeConfig.getCurrentCluster()?.server) {
      throw new Error(
        `The kubeconfig from ${settings.kubeconfigFrom} names no cluster in its current context`,
      );
    }
    return new AdminCluster(kubeConfig);
  }

  get server() {
    return serverOf(this.kubeConfig);
  }

  /**
   * The versions recordings are stamped with, and a plain refusal when
   * KubeVirt or CDI is missing, before anything is made.
   */
  async versions() {
    const groups = (
      await this.kubeConfig.makeApiClient(ApisApi).getAPIVersions()
    ).groups;
    const missing = [KUBEVIRT.group, CDI.group, INSTANCETYPES].filter(
      name => !groups.some(g => g.name === name),
    );
    if (missing.length > 0) {
      throw new Error(
        `The cluster serves no ${missing.join(
          ', ',
        )}: install KubeVirt (with instancetypes) and CDI first (docs/cluster-guide.md, step 9)`,
      );
    }
    this.instancetypeVersion = groups.find(
      g => g.name === INSTANCETYPES,
    )!.preferredVersion!.version;
    const kubernetes = (
      await this.kubeConfig.makeApiClient(VersionApi).getCode()
    ).gitVersion;
    const cdi = await this.objects
      .listClusterCustomObject({ ...CDI, plural: 'cdis' })
      .then(list => list.items?.[0]?.status?.observedVersion as string)
      .catch(() => undefined);
    return { kubernetes, cdi };
  }

  /** A namespaced object of KubeVirt, CDI or another API group; undefined when it is not there. */
  customObject(api: ApiGroup, namespace: string, plural: string, name: string) {
    return orMissing(
      this.objects.getNamespacedCustomObject({
        ...api,
        namespace,
        plural,
        name,
      }),
    );
  }

  async createNamespace(name: string) {
    await this.core.createNamespace({
      body: {
        metadata: {
          name,
          labels: {
            [RUN_LABEL]: name,
            'app.kubernetes.io/created-by': 'desktop-mania-conformance',
          },
        },
      },
    });
  }

  /** Deletes the namespace and waits until it is gone; on timeout the error says what still holds it. */
  async deleteNamespace(name: string, timeoutMs: number) {
    await orMissing(this.core.deleteNamespace({ name }));
    return waitFor(
      `namespace ${name} to be deleted`,
      async note => {
        const ns = await orMissing(this.core.readNamespace({ name }));
        if (!ns) return true;
        note(
          `${ns.status?.phase}: ${(ns.status?.conditions ?? [])
            .filter(c => c.status === 'True')
            .map(c => c.message)
            .join('; ')}`,
        );
        return undefined;
      },
      { timeoutMs, intervalMs: 5000 },
    );
  }

  async defaultStorageClass() {
    const classes = (await this.storage.listStorageClass()).items;
    return classes.find(
      c =>
        c.metadata?.annotations?.[
          'storageclass.kubernetes.io/is-default-class'
        ] === 'true',
    )?.metadata?.name;
  }

  async vmiUid(namespace: string, name: string) {
    const vmi = await this.customObject(
      KUBEVIRT,
      namespace,
      'virtualmachineinstances',
      name,
    );
    return vmi?.metadata?.uid as string | undefined;
  }

  /**
   * A ResourceQuota on storage far below what the namespace already holds,
   * so the next disk is refused; resolves once the quota controller has
   * counted usage (before that, admission refuses with "status unknown"
   * rather than "exceeded quota").
   */
  async exhaustStorageQuota(
    namespace: string,
    name: string,
    timeoutMs: number,
  ) {
    await this.core.createNamespacedResourceQuota({
      namespace,
      body: {
        metadata: { name, labels: { [RUN_LABEL]: namespace } },
        spec: { hard: { 'requests.storage': '1Mi' } },
      },
    });
    await waitFor(
      `ResourceQuota ${namespace}/${name} to count usage`,
      async () => {
        const quota = await this.core.readNamespacedResourceQuota({
          name,
          namespace,
        });
        return quota.status?.used?.['requests.storage'] !== undefined
          ? true
          : undefined;
      },
      { timeoutMs, intervalMs: 1000 },
    );
    return async () => {
      await orMissing(
        this.core.deleteNamespacedResourceQuota({ name, namespace }),
      );
    };
  }
}
