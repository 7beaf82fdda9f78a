import http from 'http';
import https from 'https';
import WebSocket from 'ws';
import {
  ApiException,
  ApisApi,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  StorageV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { rootDiskName } from '../buildVirtualMachine';
import { firstBootSecretName } from '../buildFirstBootSecret';
import { diskReport } from '../dataVolumeStatus';
import { LABEL_WORKSPACE } from '../labels';
import type { DataVolumeObject } from '../objects';
import type { RbacRule } from '../rbac';
import { VNC_SUBPROTOCOL } from '../openVncConsole';
import { waitFor } from './budget';
import type { RawAnswer } from './record';
import { parseQuantity, type ConformanceSettings } from './settings';

const KUBEVIRT = { group: 'kubevirt.io', version: 'v1' };
const CDI = { group: 'cdi.kubevirt.io', version: 'v1beta1' };
const INSTANCETYPES = 'instancetype.kubevirt.io';

/** On everything the suite makes, so a run left behind can be found and removed by hand. */
export const RUN_LABEL = 'desktopmania.io/conformance-run';

export const isMissing = (error: unknown) =>
  error instanceof ApiException && error.code === 404;

/** undefined for a 404, the object otherwise. */
async function orMissing<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** What a desktop may be cloned from, and how big it is. */
export interface ImageSource {
  namespace: string;
  name: string;
  /** The size the source PVC asked for, which a clone's request is held against. */
  requestBytes: number;
  /** What the storage gave it, which may be more. */
  capacityBytes: number;
}

/**
 * The cluster as the operator's kubeconfig sees it: everything the provider
 * must not be able to do (namespaces, RBAC, tokens, images, quotas) and the
 * checks behind the provider's back (what is really left on the cluster).
 */
export class AdminCluster {
  readonly core: CoreV1Api;
  readonly objects: CustomObjectsApi;
  private readonly rbac: RbacAuthorizationV1Api;
  private readonly storage: StorageV1Api;
  private instancetypeVersion?: string;

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
    return this.kubeConfig.getCurrentCluster()!.server.replace(/\/+$/, '');
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

  /** A Role of exactly `rules` bound to a new ServiceAccount, whose short-lived token is returned. */
  async serviceAccountWith(
    namespace: string,
    name: string,
    rules: RbacRule[],
    lifetimeSeconds: number,
  ) {
    const labels = { [RUN_LABEL]: namespace };
    await this.core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name, labels } },
    });
    await this.rbac.createNamespacedRole({
      namespace,
      body: { metadata: { name, labels }, rules },
    });
    await this.rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    });
    const request = await this.core.createNamespacedServiceAccountToken({
      name,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: lifetimeSeconds } },
    });
    return request.status!.token;
  }

  /** A kubeconfig for the same API server, TLS settings and all, with only `token`. */
  kubeConfigWithToken(user: string, token: string) {
    const cluster = this.kubeConfig.getCurrentCluster()!;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromClusterAndUser(
      { ...cluster, name: 'conformance' },
      { name: user, token },
    );
    return kubeConfig;
  }

  /**
   * The VMs' own service account (`default` of the desktops' namespace) may
   * clone from `sourceNamespace`: KubeVirt asks that of a VM's
   * dataVolumeTemplates. The cluster guide grants the same in
   * `desktop-images` (deploy/base/kubevirt/image-cloning.yaml).
   */
  async allowCloning(sourceNamespace: string, desktops: string, name: string) {
    const labels = { [RUN_LABEL]: desktops };
    await this.rbac.createNamespacedRole({
      namespace: sourceNamespace,
      body: {
        metadata: { name, labels },
        rules: [
          {
            apiGroups: [CDI.group],
            resources: ['datavolumes/source'],
            verbs: ['create'],
          },
        ],
      },
    });
    await this.rbac.createNamespacedRoleBinding({
      namespace: sourceNamespace,
      body: {
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [
          { kind: 'ServiceAccount', name: 'default', namespace: desktops },
        ],
      },
    });
    return async () => {
      await orMissing(
        this.rbac.deleteNamespacedRoleBinding({
          name,
          namespace: sourceNamespace,
        }),
      );
      await orMissing(
        this.rbac.deleteNamespacedRole({ name, namespace: sourceNamespace }),
      );
    };
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

  private instancetypeApi(plural: string) {
    return {
      group: INSTANCETYPES,
      version: this.instancetypeVersion ?? 'v1beta1',
      plural,
    };
  }

  /** A cluster-wide object of instancetype.kubevirt.io; returns its removal. */
  async createClusterObject(
    plural:
      | 'virtualmachineclusterinstancetypes'
      | 'virtualmachineclusterpreferences',
    kind: string,
    name: string,
    run: string,
    spec: object,
  ) {
    const api = this.instancetypeApi(plural);
    await this.objects.createClusterCustomObject({
      ...api,
      body: {
        apiVersion: `${api.group}/${api.version}`,
        kind,
        metadata: { name, labels: { [RUN_LABEL]: run } },
        spec,
      },
    });
    return async () => {
      await orMissing(this.objects.deleteClusterCustomObject({ ...api, name }));
    };
  }

  async instancetypeGuestCpus(name: string): Promise<number> {
    const found = await this.objects.getClusterCustomObject({
      ...this.instancetypeApi('virtualmachineclusterinstancetypes'),
      name,
    });
    return Number(found?.spec?.cpu?.guest ?? 1);
  }

  /**
   * A DataVolume importing the tiny image and a DataSource serving it, as
   * the golden images are served. Bound at once: with a
   * WaitForFirstConsumer StorageClass, CDI would otherwise wait for a VM
   * that never comes.
   */
  async importImage(
    namespace: string,
    name: string,
    url: string,
    size: string,
    storageClassName: string,
  ) {
    const labels = { [RUN_LABEL]: namespace };
    const source = url.startsWith('docker://')
      ? { registry: { url } }
      : { http: { url } };
    await this.objects.createNamespacedCustomObject({
      ...CDI,
      namespace,
      plural: 'datavolumes',
      body: {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: {
          name,
          labels,
          annotations: {
            'cdi.kubevirt.io/storage.bind.immediate.requested': 'true',
          },
        },
        spec: {
          source,
          storage: {
            storageClassName,
            resources: { requests: { storage: size } },
          },
        },
      },
    });
    await this.objects.createNamespacedCustomObject({
      ...CDI,
      namespace,
      plural: 'datasources',
      body: {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataSource',
        metadata: { name, labels },
        spec: { source: { pvc: { name, namespace } } },
      },
    });
  }

  /** Waits for the import; a DataVolume CDI collected after success counts as done. */
  async waitForImport(namespace: string, name: string, timeoutMs: number) {
    await waitFor(
      `the image DataVolume ${namespace}/${name} to be imported`,
      async note => {
        const dv: DataVolumeObject | undefined = await orMissing(
          this.objects.getNamespacedCustomObject({
            ...CDI,
            namespace,
            plural: 'datavolumes',
            name,
          }),
        );
        if (!dv) {
          const pvc = await orMissing(
            this.core.readNamespacedPersistentVolumeClaim({ name, namespace }),
          );
          const phase =
            pvc?.metadata?.annotations?.['cdi.kubevirt.io/storage.pod.phase'];
          if (phase === 'Succeeded') return true;
          note(`no DataVolume; its PVC says ${phase ?? 'nothing'}`);
          return undefined;
        }
        const phase = dv.status?.phase;
        if (phase === 'Succeeded') return true;
        const { problem, progress } = diskReport(dv);
        note(
          `${phase ?? 'no phase'}${progress ? ` ${progress}` : ''}${
            problem ? `: ${problem}` : ''
          }`,
        );
        const restarts = (dv.status as { restartCount?: number } | undefined)
          ?.restartCount;
        if (phase === 'Failed' || (problem && (restarts ?? 0) >= 3)) {
          throw new Error(
            `CDI could not import the image into ${namespace}/${name}: ${
              problem ?? phase
            }. Set CONFORMANCE_IMAGE_URL to an image the cluster can reach, or CONFORMANCE_DATASOURCE to an existing DataSource.`,
          );
        }
        return undefined;
      },
      { timeoutMs, intervalMs: 5000 },
    );
  }

  /** Waits for a DataSource to be Ready, then says how big its source is. */
  async readySource(
    namespace: string,
    name: string,
    timeoutMs: number,
  ): Promise<ImageSource> {
    const dataSource = await waitFor(
      `DataSource ${namespace}/${name} to be Ready`,
      async note => {
        const found = await orMissing(
          this.objects.getNamespacedCustomObject({
            ...CDI,
            namespace,
            plural: 'datasources',
            name,
          }),
        );
        if (!found) {
          note('it does not exist');
          return undefined;
        }
        const ready = (found.status?.conditions ?? []).find(
          (c: { type: string }) => c.type === 'Ready',
        );
        if (ready?.status === 'True') return found;
        note(`Ready=${ready?.status ?? 'unknown'}: ${ready?.message ?? ''}`);
        return undefined;
      },
      { timeoutMs },
    );
    const pvc = dataSource.spec?.source?.pvc;
    const snapshot = dataSource.spec?.source?.snapshot;
    if (pvc) {
      const claim = await this.core.readNamespacedPersistentVolumeClaim({
        name: pvc.name,
        namespace: pvc.namespace ?? namespace,
      });
      const request = claim.spec?.resources?.requests?.storage ?? '0';
      const capacity = claim.status?.capacity?.storage ?? request;
      return {
        namespace,
        name,
        requestBytes: parseQuantity(String(request)),
        capacityBytes: parseQuantity(String(capacity)),
      };
    }
    if (snapshot) {
      const found = await this.objects.getNamespacedCustomObject({
        group: 'snapshot.storage.k8s.io',
        version: 'v1',
        namespace: snapshot.namespace ?? namespace,
        plural: 'volumesnapshots',
        name: snapshot.name,
      });
      const bytes = parseQuantity(String(found.status?.restoreSize ?? '0'));
      return { namespace, name, requestBytes: bytes, capacityBytes: bytes };
    }
    throw new Error(
      `DataSource ${namespace}/${name} serves neither a PVC nor a VolumeSnapshot`,
    );
  }

  /**
   * What of a desktop is still on the cluster, looked up by the names the
   * provider gives its parts and by its label, whatever the provider says.
   */
  async leftovers(
    namespace: string,
    spec: Pick<WorkspaceCreateSpec, 'name' | 'image'>,
  ): Promise<string[]> {
    const workspace = spec.name;
    const selector = `${LABEL_WORKSPACE}=${workspace}`;
    const found = new Set<string>();
    const named = async (kind: string, read: () => Promise<unknown>) => {
      if (await orMissing(read())) found.add(kind);
    };
    const disk = rootDiskName(workspace);
    const secret = firstBootSecretName(spec);
    const custom = (
      api: { group: string; version: string },
      plural: string,
    ) => ({ ...api, namespace, plural });
    await Promise.all([
      named(`VirtualMachine/${workspace}`, () =>
        this.objects.getNamespacedCustomObject({
          ...custom(KUBEVIRT, 'virtualmachines'),
          name: workspace,
        }),
      ),
      named(`VirtualMachineInstance/${workspace}`, () =>
        this.objects.getNamespacedCustomObject({
          ...custom(KUBEVIRT, 'virtualmachineinstances'),
          name: workspace,
        }),
      ),
      named(`DataVolume/${disk}`, () =>
        this.objects.getNamespacedCustomObject({
          ...custom(CDI, 'datavolumes'),
          name: disk,
        }),
      ),
      named(`PersistentVolumeClaim/${disk}`, () =>
        this.core.readNamespacedPersistentVolumeClaim({
          name: disk,
          namespace,
        }),
      ),
      named(`Secret/${secret}`, () =>
        this.core.readNamespacedSecret({ name: secret, namespace }),
      ),
    ]);
    const kinds: Array<[typeof KUBEVIRT, string, string]> = [
      [KUBEVIRT, 'virtualmachines', 'VirtualMachine'],
      [KUBEVIRT, 'virtualmachineinstances', 'VirtualMachineInstance'],
      [CDI, 'datavolumes', 'DataVolume'],
    ];
    const labelled = await Promise.all([
      ...kinds.map(([api, plural, kind]) =>
        this.objects
          .listNamespacedCustomObject({
            ...custom(api, plural),
            labelSelector: selector,
          })
          .then(list =>
            (list.items ?? []).map(
              (o: { metadata: { name: string } }) =>
                `${kind}/${o.metadata.name}`,
            ),
          ),
      ),
      this.core
        .listNamespacedPersistentVolumeClaim({
          namespace,
          labelSelector: selector,
        })
        .then(list =>
          list.items.map(o => `PersistentVolumeClaim/${o.metadata!.name}`),
        ),
      this.core
        .listNamespacedSecret({ namespace, labelSelector: selector })
        .then(list => list.items.map(o => `Secret/${o.metadata!.name}`)),
    ]);
    labelled.flat().forEach(kindAndName => found.add(kindAndName));
    return [...found].sort();
  }

  async vmiUid(namespace: string, name: string) {
    const vmi = await orMissing(
      this.objects.getNamespacedCustomObject({
        ...KUBEVIRT,
        namespace,
        plural: 'virtualmachineinstances',
        name,
      }),
    );
    return vmi?.metadata?.uid as string | undefined;
  }

  /** The raw VM, VMI and root DataVolume, for recordings; what is missing is left out. */
  async rawDesktop(namespace: string, name: string) {
    const get = (
      api: { group: string; version: string },
      plural: string,
      n: string,
    ) =>
      orMissing(
        this.objects.getNamespacedCustomObject({
          ...api,
          namespace,
          plural,
          name: n,
        }),
      );
    const [vm, vmi, dataVolume] = await Promise.all([
      get(KUBEVIRT, 'virtualmachines', name),
      get(KUBEVIRT, 'virtualmachineinstances', name),
      get(CDI, 'datavolumes', rootDiskName(name)),
    ]);
    return { vm, vmi, dataVolume };
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

/**
 * One request as `kubeConfig`'s user, keeping the API server's answer
 * exactly as sent: the provider turns refusals into errors, recordings want
 * the body.
 */
export async function rawRequest(
  kubeConfig: KubeConfig,
  method: string,
  path: string,
  body?: object,
): Promise<RawAnswer> {
  const server = kubeConfig.getCurrentCluster()!.server.replace(/\/+$/, '');
  const url = new URL(`${server}${path}`);
  const options: https.RequestOptions = {
    method,
    headers: {
      Accept: 'application/json',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
  };
  await kubeConfig.applyToHTTPSOptions(options);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, options, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', chunk => (text += chunk));
      res.on('end', () =>
        resolve({
          request: { method, path },
          status: res.statusCode ?? 0,
          body: parseBody(text),
        }),
      );
    });
    req.setTimeout(30_000, () =>
      req.destroy(new Error(`${method} ${path} timed out`)),
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

function parseBody(text: string) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Opens a VMI's VNC websocket as `kubeConfig`'s user and reports how the
 * upgrade was answered: a refusal's status and body, or 101 when it opened
 * (the socket is closed at once).
 */
export async function rawVncAnswer(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  preserveSession: boolean,
): Promise<RawAnswer> {
  const server = kubeConfig.getCurrentCluster()!.server.replace(/\/+$/, '');
  const path = `/apis/subresources.kubevirt.io/v1/namespaces/${namespace}/virtualmachineinstances/${name}/vnc?preserveSession=${preserveSession}`;
  const options: WebSocket.ClientOptions = {
    handshakeTimeout: 30_000,
    perMessageDeflate: false,
  };
  await kubeConfig.applyToHTTPSOptions(options);
  const socket = new WebSocket(
    `${server.replace(/^http/, 'ws')}${path}`,
    [VNC_SUBPROTOCOL],
    options,
  );
  const request = { method: 'GET', path };
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.terminate();
      resolve({ request, status: 101, body: null });
    });
    socket.once('unexpected-response', (req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', chunk => (text += chunk));
      res.on('end', () => {
        req.destroy();
        resolve({
          request,
          status: res.statusCode ?? 0,
          body: parseBody(text),
        });
      });
    });
    socket.once('error', reject);
  });
}

/** Whether `kubeConfig`'s user may do one thing, by the API server's own reckoning. */
export async function mayI(
  kubeConfig: KubeConfig,
  namespace: string,
  group: string,
  resourceAndSub: string,
  verb: string,
) {
  const [resource, subresource] = resourceAndSub.split('/');
  const review = await kubeConfig
    .makeApiClient(AuthorizationV1Api)
    .createSelfSubjectAccessReview({
      body: {
        spec: {
          resourceAttributes: {
            namespace,
            group,
            resource,
            ...(subresource ? { subresource } : {}),
            verb,
          },
        },
      },
    });
  return review.status?.allowed === true;
}
