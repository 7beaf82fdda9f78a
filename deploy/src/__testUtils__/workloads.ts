import yaml from 'yaml';
import type { KubeObject } from './kustomize';
import type {
  Affinity,
  LabelSelector,
  PodTemplate,
  Resources,
  Toleration,
} from './scheduler';

/**
 * What runs replicas in the rendered manifests, read as the scheduler will
 * see the pods: the objects' own pod templates, and for the custom resources
 * and the Helm chart the pods their operators make from them, with those
 * operators' defaults (each cited where it is applied).
 */
export interface Workload {
  /** e.g. "Deployment desktop-mania/backstage". */
  id: string;
  template: PodTemplate;
  /** Undefined for a DaemonSet: one pod per node it fits. */
  replicas?: number;
  rollingUpdate?: {
    maxSurge?: number | string;
    maxUnavailable?: number | string;
  };
  /** StorageClass of each volume a pod gets of its own (claim templates). */
  volumes: string[];
  /** Set for a CloudNativePG Cluster, whose pods the drain model promotes and demotes. */
  cnpg?: { name: string };
}

/** A PodDisruptionBudget, from a manifest or one an operator creates. */
export interface DisruptionBudget {
  id: string;
  namespace: string;
  selector: LabelSelector;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

/** "250m", "1", 2 -> millicores; "768Mi", "2Gi", "1G" -> bytes. */
export function parseQuantity(value: unknown, kind: 'cpu' | 'memory'): number {
  if (value === undefined || value === null) return 0;
  const s = String(value);
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(s);
  if (!m) throw new Error(`not a quantity: ${s}`);
  const n = Number(m[1]);
  const units: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  if (!(m[2] in units)) throw new Error(`unknown unit in ${s}`);
  const base = n * units[m[2]];
  return kind === 'cpu' ? Math.round(base * 1000) : Math.round(base);
}

function requestsOfContainers(containers: any[] | undefined): Resources {
  return (containers ?? []).reduce(
    (sum: Resources, c: any) => ({
      cpu: sum.cpu + parseQuantity(c.resources?.requests?.cpu, 'cpu'),
      memory:
        sum.memory + parseQuantity(c.resources?.requests?.memory, 'memory'),
    }),
    { cpu: 0, memory: 0 },
  );
}

function templateOf(namespace: string, podTemplate: any): PodTemplate {
  const spec = podTemplate.spec ?? {};
  return {
    namespace,
    labels: podTemplate.metadata?.labels ?? {},
    nodeSelector: spec.nodeSelector,
    affinity: spec.affinity,
    tolerations: spec.tolerations,
    topologySpreadConstraints: spec.topologySpreadConstraints,
    requests: requestsOfContainers(spec.containers),
  };
}

const id = (o: KubeObject) =>
  `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Operators' default placement: nodeSelector, affinity, tolerations. */
interface Placement {
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
}

/**
 * The pods CloudNativePG makes for a Cluster: labels of pkg/specs/pods.go
 * and pkg/utils/labels_annotations.go, anti-affinity of
 * CreateGeneratedAntiAffinity (on unless enablePodAntiAffinity is false;
 * "preferred" unless podAntiAffinityType says "required"; topologyKey
 * kubernetes.io/hostname unless set), and the Cluster's nodeSelector and
 * tolerations (cloudnative-pg v1.30).
 */
function cnpgWorkload(cluster: KubeObject): Workload {
  const spec = cluster.spec;
  const a = spec.affinity ?? {};
  const term = {
    labelSelector: {
      matchExpressions: [
        {
          key: 'cnpg.io/cluster',
          operator: 'In' as const,
          values: [cluster.metadata.name],
        },
        {
          key: 'cnpg.io/podRole',
          operator: 'In' as const,
          values: ['instance'],
        },
      ],
    },
    topologyKey: a.topologyKey || 'kubernetes.io/hostname',
  };
  const affinity: Affinity = {};
  if (a.enablePodAntiAffinity !== false) {
    affinity.podAntiAffinity =
      a.podAntiAffinityType === 'required'
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, podAffinityTerm: term },
            ],
          };
  }
  if (a.nodeAffinity) affinity.nodeAffinity = a.nodeAffinity;
  return {
    id: id(cluster),
    template: {
      namespace: cluster.metadata.namespace ?? 'default',
      labels: {
        'cnpg.io/cluster': cluster.metadata.name,
        'cnpg.io/podRole': 'instance',
      },
      nodeSelector: a.nodeSelector,
      affinity,
      tolerations: a.tolerations,
      requests: {
        cpu: parseQuantity(spec.resources?.requests?.cpu, 'cpu'),
        memory: parseQuantity(spec.resources?.requests?.memory, 'memory'),
      },
    },
    replicas: spec.instances ?? 1,
    volumes: [spec.storage, spec.walStorage]
      .filter(Boolean)
      .map((s: any) => s.storageClass),
    cnpg: { name: cluster.metadata.name },
  };
}

/**
 * virt-operator's pods for a KubeVirt CR: virt-api and virt-controller with
 * spec.infra.replicas (2 unless set), a CriticalAddonsOnly toleration and a
 * preferred anti-affinity of their own unless spec.infra.nodePlacement
 * replaces them; virt-handler on every node spec.workloads.nodePlacement
 * allows (kubevirt pkg/virt-operator/resource/generate/components,
 * deployments.go and daemonsets.go, v1.8).
 */
function kubevirtWorkloads(kv: KubeObject): Workload[] {
  const ns = kv.metadata.namespace ?? 'kubevirt';
  const infra: Placement | undefined = kv.spec.infra?.nodePlacement;
  const workloads: Placement = kv.spec.workloads?.nodePlacement ?? {};
  const replicas = kv.spec.infra?.replicas ?? 2;
  const infraPod = (name: string): Workload => ({
    id: `Deployment ${ns}/${name}`,
    template: {
      namespace: ns,
      labels: { 'kubevirt.io': name },
      nodeSelector: infra?.nodeSelector,
      tolerations: infra?.tolerations ?? [
        { key: 'CriticalAddonsOnly', operator: 'Exists' },
      ],
      affinity: infra?.affinity ?? {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 1,
              podAffinityTerm: {
                labelSelector: {
                  matchExpressions: [
                    { key: 'kubevirt.io', operator: 'In', values: [name] },
                  ],
                },
                topologyKey: 'kubernetes.io/hostname',
              },
            },
          ],
        },
      },
    },
    replicas,
    rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    volumes: [],
  });
  return [
    infraPod('virt-api'),
    infraPod('virt-controller'),
    {
      id: `DaemonSet ${ns}/virt-handler`,
      template: {
        namespace: ns,
        labels: { 'kubevirt.io': 'virt-handler' },
        nodeSelector: workloads.nodeSelector,
        affinity: workloads.affinity,
        tolerations: workloads.tolerations,
      },
      volumes: [],
    },
  ];
}

/** Workloads of rendered manifests (an overlay, or the kube-vip manifest). */
export function workloadsOf(objects: KubeObject[]): Workload[] {
  const out: Workload[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace ?? 'default';
    switch (`${o.apiVersion}/${o.kind}`) {
      case 'apps/v1/Deployment':
        out.push({
          id: id(o),
          template: templateOf(ns, o.spec.template),
          replicas: o.spec.replicas ?? 1,
          rollingUpdate:
            o.spec.strategy?.type === 'Recreate'
              ? undefined
              : o.spec.strategy?.rollingUpdate ?? {},
          volumes: [],
        });
        break;
      case 'apps/v1/StatefulSet':
        out.push({
          id: id(o),
          template: templateOf(ns, o.spec.template),
          replicas: o.spec.replicas ?? 1,
          volumes: (o.spec.volumeClaimTemplates ?? []).map(
            (c: any) => c.spec.storageClassName,
          ),
        });
        break;
      case 'apps/v1/DaemonSet':
        out.push({
          id: id(o),
          template: templateOf(ns, o.spec.template),
          volumes: [],
        });
        break;
      case 'postgresql.cnpg.io/v1/Cluster':
        out.push(cnpgWorkload(o));
        break;
      case 'kubevirt.io/v1/KubeVirt':
        out.push(...kubevirtWorkloads(o));
        break;
      default:
    }
  }
  return out;
}

/** PodDisruptionBudgets written in the manifests. */
export function budgetsOf(objects: KubeObject[]): DisruptionBudget[] {
  return objects
    .filter(
      o => o.apiVersion === 'policy/v1' && o.kind === 'PodDisruptionBudget',
    )
    .map(o => ({
      id: id(o),
      namespace: o.metadata.namespace ?? 'default',
      selector: o.spec.selector,
      minAvailable: o.spec.minAvailable,
      maxUnavailable: o.spec.maxUnavailable,
    }));
}

/**
 * The budgets operators create for the workloads above. CloudNativePG
 * (pkg/specs/poddisruptionbudget.go, reconcilePodDisruptionBudget in
 * internal/controller/cluster_create.go): unless enablePDB is false, one
 * with minAvailable 1 over the primary, and with three instances or more one
 * with minAvailable instances - 2 over the replicas. virt-operator
 * (NewPodDisruptionBudgetForDeployment): minAvailable replicas - 1 over
 * virt-api and over virt-controller.
 */
export function operatorBudgetsOf(objects: KubeObject[]): DisruptionBudget[] {
  const out: DisruptionBudget[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace ?? 'default';
    if (o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === 'Cluster') {
      if (o.spec.enablePDB === false) continue;
      const role = (r: string) => ({
        matchLabels: {
          'cnpg.io/cluster': o.metadata.name,
          'cnpg.io/instanceRole': r,
        },
      });
      out.push({
        id: `PodDisruptionBudget ${ns}/${o.metadata.name}-primary (CloudNativePG)`,
        namespace: ns,
        selector: role('primary'),
        minAvailable: 1,
      });
      const instances = o.spec.instances ?? 1;
      if (instances >= 3)
        out.push({
          id: `PodDisruptionBudget ${ns}/${o.metadata.name} (CloudNativePG)`,
          namespace: ns,
          selector: role('replica'),
          minAvailable: instances - 2,
        });
    }
    if (o.apiVersion === 'kubevirt.io/v1' && o.kind === 'KubeVirt') {
      const replicas = o.spec.infra?.replicas ?? 2;
      for (const name of ['virt-api', 'virt-controller'])
        out.push({
          id: `PodDisruptionBudget ${ns}/${name}-pdb (virt-operator)`,
          namespace: ns,
          selector: { matchLabels: { 'kubevirt.io': name } },
          minAvailable: replicas - 1,
        });
    }
  }
  return out;
}

/**
 * The pods kube-prometheus-stack's chart and the Prometheus operator make
 * from the HelmChart in deploy/monitoring and its values: Prometheus and
 * Alertmanager (replicas, podAntiAffinity "soft" unless "hard", their
 * storage, nodeSelector, tolerations, PDBs when enabled), Grafana, the
 * operator and kube-state-metrics (one replica each), and node-exporter on
 * every node its tolerations allow. Defaults are those of the chart's
 * values.yaml (prometheus-community/helm-charts, kube-prometheus-stack
 * 79.1.0).
 */
export function monitoringOf(objects: KubeObject[]): {
  workloads: Workload[];
  budgets: DisruptionBudget[];
} {
  const chart = objects.find(
    o => o.kind === 'HelmChart' && o.spec.chart === 'kube-prometheus-stack',
  );
  if (!chart) throw new Error('no kube-prometheus-stack HelmChart');
  const secretName = chart.spec.valuesSecrets?.[0]?.name;
  const secret = objects.find(
    o => o.kind === 'Secret' && o.metadata.name === secretName,
  );
  const raw = secret?.data?.['values.yaml'];
  const values = raw
    ? yaml.parse(Buffer.from(raw.replace(/\s/g, ''), 'base64').toString('utf8'))
    : yaml.parse(chart.spec.valuesContent ?? '{}');
  const ns = chart.spec.targetNamespace;
  const release = chart.metadata.name;
  const workloads: Workload[] = [];
  const budgets: DisruptionBudget[] = [];

  const operated = (
    name: 'prometheus' | 'alertmanager',
    spec: any,
    section: any,
    storageClass: string | undefined,
  ) => {
    const labels = {
      'app.kubernetes.io/name': name,
      [name]: `${release}-${name}`,
    };
    const term = {
      labelSelector: { matchLabels: labels },
      topologyKey: spec.podAntiAffinityTopologyKey ?? 'kubernetes.io/hostname',
    };
    const mode = spec.podAntiAffinity ?? 'soft';
    const affinity: Affinity = {};
    if (mode === 'hard')
      affinity.podAntiAffinity = {
        requiredDuringSchedulingIgnoredDuringExecution: [term],
      };
    if (mode === 'soft')
      affinity.podAntiAffinity = {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: term },
        ],
      };
    workloads.push({
      id: `StatefulSet ${ns}/${name}-${release}-${name}`,
      template: {
        namespace: ns,
        labels,
        nodeSelector: spec.nodeSelector,
        tolerations: spec.tolerations,
        affinity: { ...affinity, ...(spec.affinity ?? {}) },
        requests: {
          cpu: parseQuantity(spec.resources?.requests?.cpu, 'cpu'),
          memory: parseQuantity(spec.resources?.requests?.memory, 'memory'),
        },
      },
      replicas: spec.replicas ?? 1,
      volumes: storageClass ? [storageClass] : [],
    });
    const pdb = section.podDisruptionBudget;
    if (pdb?.enabled)
      budgets.push({
        id: `PodDisruptionBudget ${ns}/${release}-${name} (chart)`,
        namespace: ns,
        selector: { matchLabels: labels },
        minAvailable:
          pdb.maxUnavailable === undefined ? pdb.minAvailable ?? 1 : undefined,
        maxUnavailable: pdb.maxUnavailable,
      });
  };

  const promSpec = values.prometheus?.prometheusSpec ?? {};
  operated(
    'prometheus',
    promSpec,
    values.prometheus ?? {},
    promSpec.storageSpec?.volumeClaimTemplate?.spec?.storageClassName,
  );
  const amSpec = values.alertmanager?.alertmanagerSpec ?? {};
  operated(
    'alertmanager',
    amSpec,
    values.alertmanager ?? {},
    amSpec.storage?.volumeClaimTemplate?.spec?.storageClassName,
  );

  const single = (name: string, section: any, storageClass?: string) =>
    workloads.push({
      id: `Deployment ${ns}/${release}-${name}`,
      template: {
        namespace: ns,
        labels: { 'app.kubernetes.io/name': name },
        nodeSelector: section?.nodeSelector,
        tolerations: section?.tolerations,
        affinity: section?.affinity,
      },
      replicas: section?.replicas ?? 1,
      rollingUpdate: {},
      volumes: storageClass ? [storageClass] : [],
    });
  const grafana = values.grafana ?? {};
  single(
    'grafana',
    grafana,
    grafana.persistence?.enabled
      ? grafana.persistence.storageClassName
      : undefined,
  );
  single('prometheus-operator', values.prometheusOperator);
  single('kube-state-metrics', values['kube-state-metrics']);
  workloads.push({
    id: `DaemonSet ${ns}/${release}-prometheus-node-exporter`,
    template: {
      namespace: ns,
      labels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' },
      tolerations: values['prometheus-node-exporter']?.tolerations,
      nodeSelector: values['prometheus-node-exporter']?.nodeSelector,
    },
    volumes: [],
  });
  return { workloads, budgets };
}
