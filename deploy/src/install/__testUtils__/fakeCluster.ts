import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import type { KubeObject } from '../../__testUtils__/kustomize';

export type { KubeObject };

/**
 * A small model of an RKE2 cluster that answers kubectl the way the API
 * server and the operators would, strictly enough that an install in the
 * wrong order fails here as it would on a cluster:
 *
 * - a namespaced object needs its namespace, a custom resource its CRD;
 * - a custom resource whose operator serves an admission webhook (or, for
 *   KubeVirt's and CDI's kinds, whose operator CR makes the CRDs) is refused
 *   until the install has waited for that operator (rollout status / wait);
 * - the release manifests and charts it knows "install" their namespace,
 *   CRDs and workloads; one it does not know fails, and so does a chart
 *   without a version;
 * - a rollout or wait fails when what the pods or the database need
 *   (Secrets and their keys, ConfigMaps, storage classes, backup
 *   credentials) is missing, as kubelet and CloudNativePG would report it.
 *
 * fakeKubectl.ts puts a `kubectl` in front of it for scripts to call.
 */

export class KubeError extends Error {}

/** Something that happened to the model, in order. */
export interface ClusterEvent {
  seq: number;
  /** create, update and patch change objects; ready means an install waited for it; release is a manifest URL applied. */
  op: 'create' | 'update' | 'patch' | 'ready' | 'release';
  /** group/Kind/namespace/name for objects, namespace/Kind/name for ready, the URL for release. */
  key: string;
  /** The call that caused it (an index into calls). */
  call: number;
  /** Whether a kubectl client sent the object, or the model made it as an operator would. */
  by: 'client' | 'operator';
}

/** One kubectl call as a script made it. */
export interface KubectlCall {
  argv: string[];
  cwd: string;
  stdin?: string;
  /** Local files it read (-f, --patch-file, --cert, --key), by path. */
  files: Record<string, string>;
  code: number;
  stderr: string;
}

interface TypeInfo {
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  short?: string[];
}

interface CrdInfo extends TypeInfo {
  name: string;
}

const BUILTIN: TypeInfo[] = (
  [
    ['', 'Namespace', 'namespaces', false, ['ns']],
    ['', 'Node', 'nodes', false, ['no']],
    ['', 'Secret', 'secrets', true, []],
    ['', 'ConfigMap', 'configmaps', true, ['cm']],
    ['', 'Service', 'services', true, ['svc']],
    ['', 'ServiceAccount', 'serviceaccounts', true, ['sa']],
    ['', 'Pod', 'pods', true, ['po']],
    ['', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc']],
    ['', 'ResourceQuota', 'resourcequotas', true, ['quota']],
    ['', 'LimitRange', 'limitranges', true, ['limits']],
    ['apps', 'Deployment', 'deployments', true, ['deploy']],
    ['apps', 'DaemonSet', 'daemonsets', true, ['ds']],
    ['apps', 'StatefulSet', 'statefulsets', true, ['sts']],
    ['batch', 'Job', 'jobs', true, []],
    ['policy', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb']],
    ['rbac.authorization.k8s.io', 'Role', 'roles', true, []],
    ['rbac.authorization.k8s.io', 'RoleBinding', 'rolebindings', true, []],
    ['rbac.authorization.k8s.io', 'ClusterRole', 'clusterroles', false, []],
    [
      'rbac.authorization.k8s.io',
      'ClusterRoleBinding',
      'clusterrolebindings',
      false,
      [],
    ],
    ['networking.k8s.io', 'NetworkPolicy', 'networkpolicies', true, []],
    ['networking.k8s.io', 'Ingress', 'ingresses', true, ['ing']],
    ['storage.k8s.io', 'StorageClass', 'storageclasses', false, ['sc']],
    ['storage.k8s.io', 'CSIDriver', 'csidrivers', false, []],
    [
      'apiextensions.k8s.io',
      'CustomResourceDefinition',
      'customresourcedefinitions',
      false,
      ['crd', 'crds'],
    ],
    ['coordination.k8s.io', 'Lease', 'leases', true, []],
    ['scheduling.k8s.io', 'PriorityClass', 'priorityclasses', false, ['pc']],
  ] as Array<[string, string, string, boolean, string[]]>
).map(([group, kind, plural, namespaced, short]) => ({
  group,
  kind,
  plural,
  namespaced,
  short,
}));

const crd = (
  group: string,
  kind: string,
  plural: string,
  namespaced = true,
): CrdInfo => ({ name: `${plural}.${group}`, group, kind, plural, namespaced });

/** What a release manifest, a chart or an operator CR brings. */
interface Bundle {
  crds: CrdInfo[];
  workloads?: string[];
  /** Services in the bundle's namespace. */
  services?: string[];
  cluster?: Array<{ apiVersion: string; kind: string; name: string }>;
}

interface Release extends Bundle {
  name: string;
  match: RegExp;
  namespace: string;
  /** Installs into a namespace another release made, instead of its own. */
  existingNamespace?: boolean;
  serverSide?: boolean;
  /** Kinds of other operators its manifest contains. */
  needsKinds?: Array<[string, string]>;
}

/**
 * What RKE2 serves from the start: its Helm controller, the bundled Traefik
 * and the CSI snapshot CRDs of its rke2-snapshot-controller-crd chart
 * (rancher/rke2 charts/chart_versions.yaml, enabled by default).
 */
const RKE2_CRDS = [
  crd('helm.cattle.io', 'HelmChart', 'helmcharts'),
  crd('helm.cattle.io', 'HelmChartConfig', 'helmchartconfigs'),
  crd('k3s.cattle.io', 'Addon', 'addons'),
  crd('traefik.io', 'IngressRoute', 'ingressroutes'),
  crd('traefik.io', 'Middleware', 'middlewares'),
  crd('traefik.io', 'TLSOption', 'tlsoptions'),
  crd('traefik.io', 'ServersTransport', 'serverstransports'),
  crd(
    'snapshot.storage.k8s.io',
    'VolumeSnapshotClass',
    'volumesnapshotclasses',
    false,
  ),
  crd('snapshot.storage.k8s.io', 'VolumeSnapshot', 'volumesnapshots'),
  crd(
    'snapshot.storage.k8s.io',
    'VolumeSnapshotContent',
    'volumesnapshotcontents',
    false,
  ),
];

/**
 * The release manifests an install may apply, with what applying them
 * installs: namespaces, CRD names and workload names as each project's
 * release manifest has them.
 */
export const RELEASES: Release[] = [
  {
    name: 'cert-manager',
    match: /\/cert-manager\/releases\/download\/v[^/]+\/cert-manager\.yaml$/,
    namespace: 'cert-manager',
    crds: [
      crd('cert-manager.io', 'Certificate', 'certificates'),
      crd('cert-manager.io', 'Issuer', 'issuers'),
      crd('cert-manager.io', 'ClusterIssuer', 'clusterissuers', false),
      crd('cert-manager.io', 'CertificateRequest', 'certificaterequests'),
      crd('acme.cert-manager.io', 'Order', 'orders'),
      crd('acme.cert-manager.io', 'Challenge', 'challenges'),
    ],
    workloads: [
      'Deployment/cert-manager',
      'Deployment/cert-manager-cainjector',
      'Deployment/cert-manager-webhook',
    ],
  },
  {
    // metallb/metallb config/manifests/metallb-native.yaml
    name: 'MetalLB',
    match: /\/metallb\/v[^/]+\/config\/manifests\/metallb-native\.yaml$/,
    namespace: 'metallb-system',
    crds: [
      crd('metallb.io', 'IPAddressPool', 'ipaddresspools'),
      crd('metallb.io', 'L2Advertisement', 'l2advertisements'),
      crd('metallb.io', 'BGPPeer', 'bgppeers'),
      crd('metallb.io', 'BGPAdvertisement', 'bgpadvertisements'),
      crd('metallb.io', 'BFDProfile', 'bfdprofiles'),
      crd('metallb.io', 'Community', 'communities'),
    ],
    workloads: ['Deployment/controller', 'DaemonSet/speaker'],
  },
  {
    name: 'KubeVirt operator',
    match: /\/kubevirt\/releases\/download\/v[^/]+\/kubevirt-operator\.yaml$/,
    namespace: 'kubevirt',
    crds: [crd('kubevirt.io', 'KubeVirt', 'kubevirts')],
    workloads: ['Deployment/virt-operator'],
  },
  {
    name: 'CDI operator',
    match:
      /\/containerized-data-importer\/releases\/download\/v[^/]+\/cdi-operator\.yaml$/,
    namespace: 'cdi',
    crds: [crd('cdi.kubevirt.io', 'CDI', 'cdis', false)],
    workloads: ['Deployment/cdi-operator'],
  },
  {
    // cloudnative-pg/cloudnative-pg releases/cnpg-<version>.yaml
    name: 'CloudNativePG',
    match: /\/cloudnative-pg\/release-[0-9.]+\/releases\/cnpg-[0-9.]+\.yaml$/,
    namespace: 'cnpg-system',
    // Its CRDs exceed the annotation client-side apply keeps
    // (docs/src/installation_upgrade.md: kubectl apply --server-side).
    serverSide: true,
    crds: [
      crd('postgresql.cnpg.io', 'Cluster', 'clusters'),
      crd('postgresql.cnpg.io', 'Backup', 'backups'),
      crd('postgresql.cnpg.io', 'ScheduledBackup', 'scheduledbackups'),
      crd('postgresql.cnpg.io', 'Pooler', 'poolers'),
      crd('postgresql.cnpg.io', 'ImageCatalog', 'imagecatalogs'),
      crd('postgresql.cnpg.io', 'Database', 'databases'),
    ],
    workloads: ['Deployment/cnpg-controller-manager'],
  },
  {
    // cloudnative-pg/plugin-barman-cloud manifest.yaml: into CloudNativePG's
    // namespace, with cert-manager Certificates and an Issuer of its own.
    name: 'Barman Cloud plugin',
    match: /\/plugin-barman-cloud\/releases\/download\/v[^/]+\/manifest\.yaml$/,
    namespace: 'cnpg-system',
    existingNamespace: true,
    needsKinds: [
      ['cert-manager.io', 'Certificate'],
      ['cert-manager.io', 'Issuer'],
    ],
    crds: [crd('barmancloud.cnpg.io', 'ObjectStore', 'objectstores')],
    workloads: ['Deployment/barman-cloud'],
  },
];

/** Charts RKE2's Helm controller installs from a HelmChart. */
const CHARTS: Record<string, Bundle> = {
  longhorn: {
    crds: [
      crd('longhorn.io', 'Volume', 'volumes'),
      crd('longhorn.io', 'Engine', 'engines'),
      crd('longhorn.io', 'Replica', 'replicas'),
      crd('longhorn.io', 'Setting', 'settings'),
      crd('longhorn.io', 'RecurringJob', 'recurringjobs'),
      crd('longhorn.io', 'Node', 'nodes'),
      crd('longhorn.io', 'BackupTarget', 'backuptargets'),
    ],
    workloads: [
      'DaemonSet/longhorn-manager',
      'Deployment/longhorn-driver-deployer',
      'Deployment/longhorn-ui',
    ],
    cluster: [
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        name: 'longhorn',
      },
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'CSIDriver',
        name: 'driver.longhorn.io',
      },
    ],
  },
  'kube-prometheus-stack': {
    crds: [
      crd('monitoring.coreos.com', 'ServiceMonitor', 'servicemonitors'),
      crd('monitoring.coreos.com', 'PodMonitor', 'podmonitors'),
      crd('monitoring.coreos.com', 'PrometheusRule', 'prometheusrules'),
      crd('monitoring.coreos.com', 'Prometheus', 'prometheuses'),
      crd('monitoring.coreos.com', 'Alertmanager', 'alertmanagers'),
    ],
    workloads: [
      'Deployment/kube-prometheus-stack-operator',
      'Deployment/kube-prometheus-stack-grafana',
      'Deployment/kube-prometheus-stack-kube-state-metrics',
    ],
  },
};

/**
 * What KubeVirt's and CDI's operators add once their CR exists: their other
 * CRDs (VMs, instancetypes, DataVolumes, DataImportCrons) come from the
 * operator, not from the operator's manifest.
 */
const OPERATOR_CRS: Record<string, Bundle & { namespace?: string }> = {
  'kubevirt.io/KubeVirt': {
    crds: [
      crd('kubevirt.io', 'VirtualMachine', 'virtualmachines'),
      crd('kubevirt.io', 'VirtualMachineInstance', 'virtualmachineinstances'),
      crd(
        'instancetype.kubevirt.io',
        'VirtualMachineClusterInstancetype',
        'virtualmachineclusterinstancetypes',
        false,
      ),
      crd(
        'instancetype.kubevirt.io',
        'VirtualMachineClusterPreference',
        'virtualmachineclusterpreferences',
        false,
      ),
    ],
    workloads: [
      'Deployment/virt-api',
      'Deployment/virt-controller',
      'DaemonSet/virt-handler',
    ],
  },
  'cdi.kubevirt.io/CDI': {
    namespace: 'cdi',
    crds: [
      crd('cdi.kubevirt.io', 'DataVolume', 'datavolumes'),
      crd('cdi.kubevirt.io', 'DataSource', 'datasources'),
      crd('cdi.kubevirt.io', 'DataImportCron', 'dataimportcrons'),
      crd('cdi.kubevirt.io', 'StorageProfile', 'storageprofiles', false),
    ],
    workloads: [
      'Deployment/cdi-apiserver',
      'Deployment/cdi-deployment',
      'Deployment/cdi-uploadproxy',
    ],
    services: ['cdi-uploadproxy', 'cdi-api'],
  },
};

/**
 * group/Kind patterns refused until the install has waited for what serves
 * them (namespace/Kind/name, as `ready` events name it).
 */
export const GATES: Array<[RegExp, string]> = [
  [
    /^(acme\.)?cert-manager\.io\//,
    'cert-manager/Deployment/cert-manager-webhook',
  ],
  [/^postgresql\.cnpg\.io\//, 'cnpg-system/Deployment/cnpg-controller-manager'],
  [/^barmancloud\.cnpg\.io\//, 'cnpg-system/Deployment/barman-cloud'],
  [/^metallb\.io\//, 'metallb-system/Deployment/controller'],
  [/^longhorn\.io\//, 'longhorn-system/DaemonSet/longhorn-manager'],
  [/^kubevirt\.io\/KubeVirt$/, 'kubevirt/Deployment/virt-operator'],
  [/^(kubevirt|instancetype\.kubevirt)\.io\//, 'kubevirt/KubeVirt/kubevirt'],
  [/^cdi\.kubevirt\.io\/CDI$/, 'cdi/Deployment/cdi-operator'],
  [/^cdi\.kubevirt\.io\//, '/CDI/cdi'],
  [
    /^monitoring\.coreos\.com\//,
    'monitoring/Deployment/kube-prometheus-stack-operator',
  ],
];

/** Renders by folder, shared by every model of a test file: the files do not change during it. */
const KUSTOMIZATIONS = new Map<string, string>();

export const groupOf = (apiVersion: string) =>
  apiVersion.includes('/') ? apiVersion.split('/')[0] : '';

export const keyOf = (o: KubeObject) =>
  `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${
    o.metadata.name
  }`;

export interface FakeClusterOptions {
  /** Workers labelled desktopmania.io/desktops=true (default 2). */
  workers?: number;
  /** Calls whose argv (joined with spaces) matches fail as if they timed out. */
  fail?: RegExp;
  /** The real kubectl, for `kubectl kustomize` and `apply -k`. */
  realKubectl?: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class FakeCluster {
  readonly objects = new Map<string, KubeObject>();
  readonly crds = new Map<string, CrdInfo>();
  readonly ready = new Set<string>();
  readonly events: ClusterEvent[] = [];
  readonly calls: KubectlCall[] = [];
  /** Keys of what a fresh cluster has before anything is installed. */
  readonly baseline = new Set<string>();
  /** Objects the model made itself (operators, charts): their workloads have no pod spec to check. */
  private readonly simulated = new Set<string>();
  /** Secrets a simulated workload needs, by its ready key. */
  private readonly needs = new Map<
    string,
    Array<{ namespace: string; name: string; keys: string[] }>
  >();
  private seq = 0;
  private currentCall = -1;

  constructor(private readonly options: FakeClusterOptions = {}) {
    for (const ns of [
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
    ]) {
      this.seed({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
      });
    }
    for (const c of RKE2_CRDS) this.registerCrd(c, true);
    for (let i = 1; i <= 3; i++) {
      this.seed({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: `rke2-server-${i}`,
          labels: { 'node-role.kubernetes.io/control-plane': 'true' },
        },
      });
      this.seed({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `etcd-rke2-server-${i}`, namespace: 'kube-system' },
      });
    }
    for (let i = 1; i <= (options.workers ?? 2); i++) {
      this.seed({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: `rke2-agent-${i}`,
          labels: { 'desktopmania.io/desktops': 'true' },
        },
      });
    }
    // What the first server brings: RKE2's Traefik (a LoadBalancer through
    // deploy/rke2/traefik-config.yaml), kube-vip and its lease.
    this.seed({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'rke2-traefik', namespace: 'kube-system' },
      spec: { type: 'LoadBalancer' },
    });
    for (const name of ['rke2-traefik', 'kube-vip-ds']) {
      this.seed({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name, namespace: 'kube-system' },
      });
      this.ready.add(`kube-system/DaemonSet/${name}`);
    }
    this.seed({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'plndr-cp-lock', namespace: 'kube-system' },
    });
    this.seed({
      apiVersion: 'helm.cattle.io/v1',
      kind: 'HelmChartConfig',
      metadata: { name: 'rke2-traefik', namespace: 'kube-system' },
    });
  }

  private seed(o: KubeObject) {
    this.objects.set(keyOf(o), o);
    this.simulated.add(keyOf(o));
    this.baseline.add(keyOf(o));
  }

  private event(
    op: ClusterEvent['op'],
    key: string,
    by: ClusterEvent['by'] = 'client',
  ) {
    this.seq += 1;
    this.events.push({ seq: this.seq, op, key, call: this.currentCall, by });
  }

  get(group: string, kind: string, ns: string | undefined, name: string) {
    return this.objects.get(`${group}/${kind}/${ns ?? ''}/${name}`);
  }

  secret(ns: string, name: string) {
    return this.get('', 'Secret', ns, name);
  }

  /** A Secret's values, decoded. */
  secretData(ns: string, name: string): Record<string, string> | undefined {
    const s = this.secret(ns, name);
    if (!s) return undefined;
    return Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [
        k,
        Buffer.from(String(v), 'base64').toString(),
      ]),
    );
  }

  namespaceExists(ns: string) {
    return this.objects.has(`/Namespace//${ns}`);
  }

  private registerCrd(c: CrdInfo, seed = false) {
    this.crds.set(c.name, c);
    const o: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: c.name },
      spec: {
        group: c.group,
        names: { kind: c.kind, plural: c.plural },
        scope: c.namespaced ? 'Namespaced' : 'Cluster',
      },
    };
    if (seed) this.seed(o);
    else this.putInternal(o);
  }

  typeOfKind(group: string, kind: string): TypeInfo | undefined {
    return (
      BUILTIN.find(t => t.group === group && t.kind === kind) ??
      [...this.crds.values()].find(c => c.group === group && c.kind === kind)
    );
  }

  /** The type a command-line name (deploy, crd, cluster.postgresql.cnpg.io) means. */
  typeOfName(name: string): TypeInfo {
    const [head, ...rest] = name.toLowerCase().split('.');
    const group = rest.join('.');
    const found = [...BUILTIN, ...this.crds.values()].find(
      t =>
        (t.plural === head ||
          t.kind.toLowerCase() === head ||
          (t.short ?? []).includes(head)) &&
        (rest.length === 0 || t.group === group),
    );
    if (!found) {
      throw new KubeError(
        `error: the server doesn't have a resource type "${name}"`,
      );
    }
    return found;
  }

  private gateFor(group: string, kind: string) {
    return GATES.find(([pattern]) => pattern.test(`${group}/${kind}`))?.[1];
  }

  /** Stores an object as the API server would, and does what its operator would. */
  put(
    input: KubeObject,
    opts: { defaultNamespace?: string; create?: boolean; source?: string } = {},
  ) {
    const o: KubeObject = structuredClone(input);
    const source = opts.source ?? '';
    if (!o?.apiVersion || !o?.kind || !o?.metadata?.name) {
      throw new KubeError(`error: an object in ${source} has no kind or name`);
    }
    const group = groupOf(o.apiVersion);
    const type = this.typeOfKind(group, o.kind);
    if (!type) {
      throw new KubeError(
        `error: resource mapping not found for name: "${
          o.metadata.name
        }" namespace: "${
          o.metadata.namespace ?? ''
        }" from "${source}": no matches for kind "${o.kind}" in version "${
          o.apiVersion
        }"\nensure CRDs are installed first`,
      );
    }
    if (type.namespaced) {
      o.metadata.namespace =
        o.metadata.namespace ?? opts.defaultNamespace ?? 'default';
      if (!this.namespaceExists(o.metadata.namespace)) {
        throw new KubeError(
          `Error from server (NotFound): error when creating "${source}": namespaces "${o.metadata.namespace}" not found`,
        );
      }
    } else {
      delete o.metadata.namespace;
    }
    const gate = this.gateFor(group, o.kind);
    if (gate && !this.ready.has(gate)) {
      throw new KubeError(
        `Error from server (InternalError): error when creating "${source}": Internal error occurred: failed calling webhook for ${o.kind} ${o.metadata.name}: ${gate} is not ready (connect: connection refused)`,
      );
    }
    const key = keyOf(o);
    const existed = this.objects.has(key);
    if (opts.create && existed) {
      throw new KubeError(
        `Error from server (AlreadyExists): error when creating "${source}": ${type.plural} "${o.metadata.name}" already exists`,
      );
    }
    if (o.kind === 'Secret') normaliseSecret(o);
    this.objects.set(key, o);
    this.simulated.delete(key);
    this.event(existed ? 'update' : 'create', key);

    if (o.kind === 'CustomResourceDefinition' && o.spec?.names) {
      this.crds.set(
        o.metadata.name,
        crd(
          o.spec.group,
          o.spec.names.kind,
          o.spec.names.plural,
          o.spec.scope !== 'Cluster',
        ),
      );
    }
    if (group === 'helm.cattle.io' && o.kind === 'HelmChart') {
      this.installChart(o);
    }
    // CDI keeps a DataImportCron's managedDataSource pointing at its imports.
    if (group === 'cdi.kubevirt.io' && o.kind === 'DataImportCron') {
      if (o.spec?.managedDataSource) {
        this.putInternal({
          apiVersion: 'cdi.kubevirt.io/v1beta1',
          kind: 'DataSource',
          metadata: {
            name: o.spec.managedDataSource,
            namespace: o.metadata.namespace,
          },
        });
      }
    }
    const operatorCr = OPERATOR_CRS[`${group}/${o.kind}`];
    if (operatorCr) {
      this.materialise(
        operatorCr,
        operatorCr.namespace ?? o.metadata.namespace!,
        false,
      );
    }
    return { key, existed, type };
  }

  private putInternal(o: KubeObject) {
    const key = keyOf(o);
    const existed = this.objects.has(key);
    this.objects.set(key, o);
    this.simulated.add(key);
    this.event(existed ? 'update' : 'create', key, 'operator');
  }

  private materialise(bundle: Bundle, namespace: string, makeNs: boolean) {
    if (makeNs && !this.namespaceExists(namespace)) {
      this.putInternal({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      });
    }
    if (!this.namespaceExists(namespace)) {
      throw new KubeError(
        `Error from server (NotFound): namespaces "${namespace}" not found`,
      );
    }
    for (const c of bundle.crds) this.registerCrd(c);
    for (const w of bundle.workloads ?? []) {
      const [kind, name] = w.split('/');
      this.putInternal({
        apiVersion: 'apps/v1',
        kind,
        metadata: { name, namespace },
      });
    }
    for (const name of bundle.services ?? []) {
      this.putInternal({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace },
      });
    }
    for (const c of bundle.cluster ?? []) {
      this.putInternal({
        apiVersion: c.apiVersion,
        kind: c.kind,
        metadata: { name: c.name },
      });
    }
  }

  applyRelease(url: string, serverSide: boolean): Release {
    const release = RELEASES.find(r => r.match.test(url));
    if (!release) {
      throw new KubeError(
        `error: unable to read URL "${url}": no release manifest known there (a version that does not exist, or an operator this model does not know)`,
      );
    }
    if (release.serverSide && !serverSide) {
      throw new KubeError(
        `The CustomResourceDefinition "${release.crds[0].name}" is invalid: metadata.annotations: Too long: must have at most 262144 bytes`,
      );
    }
    for (const [group, kind] of release.needsKinds ?? []) {
      if (!this.typeOfKind(group, kind)) {
        throw new KubeError(
          `error: resource mapping not found for ${release.name}: no matches for kind "${kind}" in version "${group}/v1"\nensure CRDs are installed first`,
        );
      }
      const gate = this.gateFor(group, kind);
      if (gate && !this.ready.has(gate)) {
        throw new KubeError(
          `Internal error occurred: failed calling webhook for ${kind}: ${gate} is not ready`,
        );
      }
    }
    this.event('release', url);
    this.materialise(release, release.namespace, !release.existingNamespace);
    return release;
  }

  private installChart(chart: KubeObject) {
    const spec = chart.spec ?? {};
    const bundle = CHARTS[spec.chart];
    if (!bundle) throw new KubeError(`helm-install: no chart ${spec.chart}`);
    if (!spec.version) {
      throw new KubeError(
        `HelmChart ${chart.metadata.name}: no version, so every apply may upgrade it`,
      );
    }
    let values: any = {};
    for (const ref of spec.valuesSecrets ?? []) {
      const secret = this.secretData(chart.metadata.namespace!, ref.name);
      if (!secret) {
        throw new KubeError(
          `helm-install-${chart.metadata.name}: Secret ${chart.metadata.namespace}/${ref.name} not found`,
        );
      }
      for (const key of ref.keys ?? Object.keys(secret)) {
        values = { ...values, ...(yaml.parse(secret[key] ?? '') ?? {}) };
      }
    }
    if (spec.valuesContent) {
      values = { ...values, ...(yaml.parse(spec.valuesContent) ?? {}) };
    }
    const namespace = spec.targetNamespace ?? chart.metadata.namespace;
    this.materialise(bundle, namespace, spec.createNamespace === true);
    const admin = values?.grafana?.admin;
    if (spec.chart === 'kube-prometheus-stack' && admin?.existingSecret) {
      this.needs.set(`${namespace}/Deployment/kube-prometheus-stack-grafana`, [
        {
          namespace,
          name: admin.existingSecret,
          keys: [
            admin.userKey ?? 'admin-user',
            admin.passwordKey ?? 'admin-password',
          ],
        },
      ]);
    }
  }

  /** Why pods of this template would not start, as kubelet would say. */
  private missingForPods(namespace: string, podSpec: any): string[] {
    const missing: string[] = [];
    const secret = (name: string) => this.secret(namespace, name);
    const configMap = (name: string) =>
      this.get('', 'ConfigMap', namespace, name);
    for (const c of [
      ...(podSpec.containers ?? []),
      ...(podSpec.initContainers ?? []),
    ]) {
      for (const env of c.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef;
        if (!ref || ref.optional) continue;
        const s = secret(ref.name);
        if (!s) missing.push(`secret "${ref.name}" not found`);
        else if (!(ref.key in (s.data ?? {}))) {
          missing.push(
            `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}`,
          );
        }
      }
      for (const from of c.envFrom ?? []) {
        if (from.secretRef && !from.secretRef.optional) {
          if (!secret(from.secretRef.name)) {
            missing.push(`secret "${from.secretRef.name}" not found`);
          }
        }
        if (from.configMapRef && !from.configMapRef.optional) {
          if (!configMap(from.configMapRef.name)) {
            missing.push(`configmap "${from.configMapRef.name}" not found`);
          }
        }
      }
    }
    for (const v of podSpec.volumes ?? []) {
      if (v.secret && !v.secret.optional && !secret(v.secret.secretName)) {
        missing.push(`secret "${v.secret.secretName}" not found`);
      }
      if (
        v.configMap &&
        !v.configMap.optional &&
        !configMap(v.configMap.name)
      ) {
        missing.push(`configmap "${v.configMap.name}" not found`);
      }
    }
    return missing.map(m => `CreateContainerConfigError: ${m}`);
  }

  /** Why a CloudNativePG cluster would not become Ready. */
  private missingForDatabase(db: KubeObject): string[] {
    const ns = db.metadata.namespace!;
    const missing: string[] = [];
    const needSecret = (name: string, keys: string[]) => {
      const s = this.secret(ns, name);
      if (!s) missing.push(`secret "${name}" not found`);
      else {
        for (const k of keys) {
          if (!(k in (s.data ?? {})))
            missing.push(`no key ${k} in Secret ${name}`);
        }
      }
    };
    const initdb = db.spec?.bootstrap?.initdb?.secret?.name;
    if (initdb) needSecret(initdb, ['username', 'password']);
    for (const s of [db.spec?.storage, db.spec?.walStorage]) {
      if (
        s?.storageClass &&
        !this.get('storage.k8s.io', 'StorageClass', undefined, s.storageClass)
      ) {
        missing.push(
          `storageclass "${s.storageClass}" not found: its PVCs stay Pending`,
        );
      }
    }
    for (const plugin of db.spec?.plugins ?? []) {
      const storeName = plugin.parameters?.barmanObjectName;
      if (!storeName) continue;
      const store = this.get(
        'barmancloud.cnpg.io',
        'ObjectStore',
        ns,
        storeName,
      );
      if (!store) {
        missing.push(
          `ObjectStore "${storeName}" not found: WAL archiving fails`,
        );
        continue;
      }
      for (const ref of Object.values<any>(
        store.spec?.configuration?.s3Credentials ?? {},
      )) {
        if (ref?.name && ref?.key) needSecret(ref.name, [ref.key]);
      }
    }
    return missing;
  }

  /** The status fields scripts read, derived from the model. */
  private withStatus(o: KubeObject): KubeObject {
    if (o.kind === 'Service' && o.metadata.name === 'rke2-traefik') {
      const pool = [...this.objects.values()].find(
        x => x.kind === 'IPAddressPool',
      );
      if (pool && this.ready.has('metallb-system/Deployment/controller')) {
        const first = String(pool.spec.addresses[0]).split(/[-/]/)[0];
        return { ...o, status: { loadBalancer: { ingress: [{ ip: first }] } } };
      }
    }
    return o;
  }

  private kustomize(dir: string): string {
    const cached = KUSTOMIZATIONS.get(dir);
    if (cached !== undefined) return cached;
    const out = spawnSync(
      this.options.realKubectl ?? 'kubectl',
      ['kustomize', dir],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (out.status !== 0) {
      throw new KubeError(out.stderr || `kubectl kustomize ${dir} failed`);
    }
    KUSTOMIZATIONS.set(dir, out.stdout);
    return out.stdout;
  }

  /** Runs one kubectl command line against the model. */
  run(argv: string[], opts: { cwd?: string; stdin?: string } = {}): RunResult {
    const cwd = opts.cwd ?? process.cwd();
    const call: KubectlCall = {
      argv,
      cwd,
      stdin: opts.stdin,
      files: {},
      code: 0,
      stderr: '',
    };
    this.calls.push(call);
    this.currentCall = this.calls.length - 1;
    const out: string[] = [];
    let result: RunResult;
    try {
      if (this.options.fail?.test(argv.join(' '))) {
        throw new KubeError(
          'error: timed out waiting for the condition (a failure the test asked for)',
        );
      }
      this.dispatch(argv, cwd, call, out);
      result = { code: 0, stdout: out.join('\n'), stderr: '' };
    } catch (e) {
      if (!(e instanceof KubeError)) throw e;
      result = { code: 1, stdout: out.join('\n'), stderr: e.message };
    }
    call.code = result.code;
    call.stderr = result.stderr;
    return result;
  }

  private dispatch(
    argv: string[],
    cwd: string,
    call: KubectlCall,
    out: string[],
  ) {
    const args = parseArgs(argv);
    const [verb, ...rest] = args.positional;
    const namespace = args.one('-n', '--namespace');
    const abs = (p: string) => path.resolve(cwd, p);
    const read = (file: string): string => {
      if (file === '-') return call.stdin ?? '';
      let text: string;
      try {
        text = fs.readFileSync(abs(file), 'utf8');
      } catch {
        throw new KubeError(`error: the path "${file}" does not exist`);
      }
      call.files[file] = text;
      return text;
    };
    const target = (typeName: string, name?: string) => {
      let [tName, oName] = [typeName, name];
      if (typeName.includes('/')) [tName, oName] = typeName.split('/');
      const type = this.typeOfName(tName);
      const ns = type.namespaced ? namespace ?? 'default' : undefined;
      return {
        type,
        ns,
        name: oName!,
        obj: this.get(type.group, type.kind, ns, oName!),
        readyKey: `${ns ?? ''}/${type.kind}/${oName}`,
      };
    };
    const notFound = (type: TypeInfo, name: string) =>
      new KubeError(
        `Error from server (NotFound): ${type.plural}${
          type.group ? `.${type.group}` : ''
        } "${name}" not found`,
      );
    const printName = (type: TypeInfo, name: string) =>
      `${type.kind.toLowerCase()}${type.group ? `.${type.group}` : ''}/${name}`;

    switch (verb) {
      case 'kustomize':
        out.push(this.kustomize(abs(rest[0])).replace(/\n$/, ''));
        return;
      case 'version':
        out.push('Client Version: v1.35.7\nServer Version: v1.35.7+rke2r1');
        return;
      case 'get':
        this.get_(
          args,
          rest,
          namespace,
          read,
          target,
          notFound,
          printName,
          out,
        );
        return;
      case 'apply':
      case 'create': {
        const create = verb === 'create';
        if (create && rest[0] === 'namespace') {
          this.put(
            {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: rest[1] },
            },
            { create, source: 'namespace' },
          );
          out.push(`namespace/${rest[1]} created`);
          return;
        }
        if (create && rest[0] === 'secret') {
          const [, secretType, name] = rest;
          const data: Record<string, string> = {};
          let type = 'Opaque';
          const b64 = (s: string) => Buffer.from(s).toString('base64');
          if (secretType === 'tls') {
            const cert = args.one('--cert');
            const key = args.one('--key');
            if (!cert || !key) {
              throw new KubeError('error: --cert and --key are required');
            }
            data['tls.crt'] = b64(read(cert));
            data['tls.key'] = b64(read(key));
            type = 'kubernetes.io/tls';
          } else if (secretType === 'generic') {
            for (const lit of args.all('--from-literal')) {
              const at = lit.indexOf('=');
              data[lit.slice(0, at)] = b64(lit.slice(at + 1));
            }
            type = args.one('--type') ?? type;
          } else {
            throw new KubeError(`fake kubectl: no secret type ${secretType}`);
          }
          this.put(
            {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name, namespace: namespace ?? 'default' },
              type,
              data,
            },
            { create, source: `secret/${name}` },
          );
          out.push(`secret/${name} created`);
          return;
        }
        const serverSide = Boolean(args.flags['--server-side']);
        const errors: string[] = [];
        const files = args.all('-f', '--filename');
        const dirs = args.all('-k', '--kustomize');
        if (!files.length && !dirs.length) {
          throw new KubeError(`fake kubectl: unsupported ${argv.join(' ')}`);
        }
        const sources = [
          ...files.map(f => ({ name: f, url: /^https?:\/\//.test(f) })),
          ...dirs.map(k => ({ name: k, kustomization: true, url: false })),
        ];
        for (const s of sources) {
          if (s.url) {
            const release = this.applyRelease(s.name, serverSide);
            out.push(`${release.name} applied from ${s.name}`);
            continue;
          }
          const text =
            'kustomization' in s ? this.kustomize(abs(s.name)) : read(s.name);
          for (const doc of documents(text)) {
            try {
              const r = this.put(doc, {
                defaultNamespace: namespace,
                create,
                source: s.name,
              });
              out.push(
                `${printName(r.type, doc.metadata.name)} ${
                  r.existed ? 'configured' : 'created'
                }`,
              );
            } catch (e) {
              if (!(e instanceof KubeError)) throw e;
              errors.push(e.message);
            }
          }
        }
        if (errors.length) throw new KubeError(errors.join('\n'));
        return;
      }
      case 'patch': {
        const t = target(rest[0], rest[1]);
        if (!t.obj) throw notFound(t.type, t.name);
        if ((args.one('--type') ?? 'strategic') !== 'merge') {
          throw new KubeError('fake kubectl: only merge patches are modelled');
        }
        const file = args.one('--patch-file');
        const patch = yaml.parse(
          file ? read(file) : args.one('-p', '--patch')!,
        );
        const merged: KubeObject = structuredClone(t.obj);
        for (const [k, v] of Object.entries<any>(patch)) {
          merged[k] =
            v && typeof v === 'object' && !Array.isArray(v)
              ? { ...(merged[k] ?? {}), ...v }
              : v;
        }
        if (merged.kind === 'Secret') normaliseSecret(merged);
        this.objects.set(keyOf(merged), merged);
        this.event('patch', keyOf(merged));
        out.push(`${printName(t.type, t.name)} patched`);
        return;
      }
      case 'rollout': {
        if (rest[0] !== 'status') {
          throw new KubeError(`fake kubectl: unsupported rollout ${rest[0]}`);
        }
        const t = target(rest[1], rest[2]);
        if (!t.obj) throw notFound(t.type, t.name);
        const reasons = this.simulated.has(keyOf(t.obj))
          ? (this.needs.get(t.readyKey) ?? []).flatMap(n => {
              const s = this.secret(n.namespace, n.name);
              if (!s) {
                return [
                  `CreateContainerConfigError: secret "${n.name}" not found`,
                ];
              }
              return n.keys
                .filter(k => !(k in (s.data ?? {})))
                .map(
                  k =>
                    `CreateContainerConfigError: couldn't find key ${k} in Secret ${n.namespace}/${n.name}`,
                );
            })
          : this.missingForPods(t.ns!, t.obj.spec?.template?.spec ?? {});
        if (reasons.length) {
          throw new KubeError(
            `error: timed out waiting for the condition on ${t.type.plural}/${
              t.name
            }: ${reasons.join('; ')}`,
          );
        }
        this.ready.add(t.readyKey);
        this.event('ready', t.readyKey);
        out.push(
          `${t.type.kind.toLowerCase()} "${t.name}" successfully rolled out`,
        );
        return;
      }
      case 'wait': {
        const condition = args.one('--for') ?? '';
        if (!condition.startsWith('condition=')) {
          throw new KubeError(
            `fake kubectl: unsupported wait --for=${condition}`,
          );
        }
        const wanted = condition.slice('condition='.length);
        const t = target(rest[0], rest[1]);
        if (!t.obj) throw notFound(t.type, t.name);
        const conditions: Record<string, string[]> = {
          CustomResourceDefinition: ['Established'],
          KubeVirt: ['Available'],
          CDI: ['Available'],
          Cluster: ['Ready'],
          Deployment: ['Available'],
        };
        if (!conditions[t.type.kind]?.includes(wanted)) {
          throw new KubeError(
            `fake kubectl: ${t.type.kind} has no condition ${wanted} here`,
          );
        }
        if (t.type.kind === 'Cluster') {
          const reasons = this.missingForDatabase(t.obj);
          if (reasons.length) {
            throw new KubeError(
              `error: timed out waiting for the condition on clusters/${
                t.name
              }: ${reasons.join('; ')}`,
            );
          }
        }
        this.ready.add(t.readyKey);
        this.event('ready', t.readyKey);
        out.push(`${printName(t.type, t.name)} condition met`);
        return;
      }
      default:
        throw new KubeError(
          `fake kubectl: unsupported command: kubectl ${argv.join(' ')}`,
        );
    }
  }

  private get_(
    args: ParsedArgs,
    rest: string[],
    namespace: string | undefined,
    read: (f: string) => string,
    target: (
      t: string,
      n?: string,
    ) => {
      type: TypeInfo;
      name: string;
      obj?: KubeObject;
    },
    notFound: (t: TypeInfo, n: string) => KubeError,
    printName: (t: TypeInfo, n: string) => string,
    out: string[],
  ) {
    const raw = args.one('--raw');
    if (raw) {
      if (raw !== '/readyz' && raw !== '/healthz') {
        throw new KubeError(`fake kubectl: unsupported --raw ${raw}`);
      }
      out.push('ok');
      return;
    }
    const output = args.one('-o', '--output');
    const found: Array<{ type: TypeInfo; obj: KubeObject }> = [];
    const missing: string[] = [];
    const files = args.all('-f', '--filename');
    if (files.length) {
      for (const f of files) {
        for (const doc of documents(read(f))) {
          const type = this.typeOfKind(groupOf(doc.apiVersion), doc.kind);
          if (!type) throw new KubeError(`no matches for kind "${doc.kind}"`);
          const ns = type.namespaced
            ? doc.metadata.namespace ?? namespace ?? 'default'
            : undefined;
          const obj = this.get(type.group, type.kind, ns, doc.metadata.name);
          if (obj) found.push({ type, obj });
          else missing.push(notFound(type, doc.metadata.name).message);
        }
      }
    } else {
      if (!rest.length) {
        throw new KubeError(
          'error: You must specify the type of resource to get.',
        );
      }
      const names = rest[0].includes('/')
        ? rest.map(r => ({ t: r, n: undefined }))
        : rest.slice(1).map(n => ({ t: rest[0], n }));
      if (names.length) {
        for (const { t, n } of names) {
          const x = target(t, n);
          if (x.obj) found.push({ type: x.type, obj: x.obj });
          else missing.push(notFound(x.type, x.name).message);
        }
      } else {
        const type = this.typeOfName(rest[0]);
        const all = Boolean(args.flags['-A'] || args.flags['--all-namespaces']);
        const selector = args.one('-l', '--selector');
        for (const obj of this.objects.values()) {
          if (obj.kind !== type.kind || groupOf(obj.apiVersion) !== type.group)
            continue;
          if (
            type.namespaced &&
            !all &&
            obj.metadata.namespace !== (namespace ?? 'default')
          )
            continue;
          if (!labelsMatch(obj, selector)) continue;
          found.push({ type, obj });
        }
      }
    }
    for (const { type, obj } of found) {
      const shown = this.withStatus(obj);
      if (output === 'name') out.push(printName(type, obj.metadata.name));
      else if (output?.startsWith('jsonpath=')) {
        out.push(jsonpath(shown, output.slice('jsonpath='.length)));
      } else if (output === 'json') out.push(JSON.stringify(shown, null, 2));
      else if (output === 'yaml') out.push(yaml.stringify(shown));
      else if (output) {
        throw new KubeError(`fake kubectl: unsupported output ${output}`);
      } else out.push(obj.metadata.name);
    }
    if (missing.length) throw new KubeError(missing.join('\n'));
  }
}

function normaliseSecret(o: KubeObject) {
  o.data = { ...(o.data ?? {}) };
  for (const [k, v] of Object.entries(o.stringData ?? {})) {
    o.data[k] = Buffer.from(String(v)).toString('base64');
  }
  delete o.stringData;
}

function labelsMatch(o: KubeObject, selector?: string) {
  if (!selector) return true;
  return selector.split(',').every(term => {
    const [k, v] = term.split('=');
    const labels = o.metadata.labels ?? {};
    return v === undefined ? k in labels : labels[k] === v;
  });
}

function jsonpath(o: unknown, template: string): string {
  const m = /^\{(.*)\}$/.exec(template.trim());
  if (!m) throw new KubeError(`fake kubectl: unsupported jsonpath ${template}`);
  let value: any = o;
  for (const part of m[1].replace(/^\./, '').split('.').filter(Boolean)) {
    const [, field, index] = /^([^[]+)(?:\[(\d+)\])?$/.exec(part) ?? [];
    value = value?.[field];
    if (index !== undefined) value = value?.[Number(index)];
  }
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function documents(text: string): KubeObject[] {
  return yaml
    .parseAllDocuments(text)
    .map(d => d.toJS())
    .filter(Boolean)
    .flatMap((o: any) => (o.kind === 'List' ? o.items : [o]));
}

const VALUE_FLAGS = new Set([
  '-n',
  '--namespace',
  '-f',
  '--filename',
  '-k',
  '--kustomize',
  '-o',
  '--output',
  '-l',
  '--selector',
  '--type',
  '-p',
  '--patch',
  '--patch-file',
  '--for',
  '--timeout',
  '--field-manager',
  '--cert',
  '--key',
  '--from-literal',
  '--from-file',
  '--raw',
  '--context',
  '--kubeconfig',
  '-c',
  '--container',
]);

interface ParsedArgs {
  flags: Record<string, Array<string | true>>;
  positional: string[];
  one(...names: string[]): string | undefined;
  all(...names: string[]): string[];
}

/** kubectl's command line: flags anywhere, with or without "=". */
export function parseArgs(argv: string[]): ParsedArgs {
  const flags: Record<string, Array<string | true>> = {};
  const positional: string[] = [];
  const add = (name: string, value: string | true) => {
    (flags[name] ??= []).push(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.includes('=')) {
      const at = a.indexOf('=');
      add(a.slice(0, at), a.slice(at + 1));
    } else if (VALUE_FLAGS.has(a)) {
      add(a, argv[++i]);
    } else if (/^-n./.test(a)) {
      add('-n', a.slice(2));
    } else if (a.startsWith('-') && a.length > 1) {
      add(a, true);
    } else {
      positional.push(a);
    }
  }
  const values = (names: string[]) =>
    names.flatMap(n => (flags[n] ?? []).filter(v => typeof v === 'string'));
  return {
    flags,
    positional,
    one: (...names) => values(names).at(-1) as string | undefined,
    all: (...names) => values(names) as string[],
  };
}
