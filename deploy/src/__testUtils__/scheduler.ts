/**
 * A small model of kube-scheduler, enough to tell whether a workload's
 * replicas find nodes, and of the Deployment controller's rolling update.
 *
 * Filters follow the scheduler's plugins as Kubernetes documents them
 * ("Assigning Pods to Nodes", "Taints and Tolerations", "Pod Topology Spread
 * Constraints"): NodeUnschedulable, TaintToleration (NoSchedule and
 * NoExecute), NodeAffinity (nodeSelector and required terms), NodeResourcesFit
 * (requests), InterPodAffinity (required anti-affinity, both ways) and
 * PodTopologySpread (DoNotSchedule, with nodeAffinityPolicy defaulting to
 * Honor, nodeTaintsPolicy to Ignore, minDomains and matchLabelKeys).
 * A field the model does not know (required pod affinity, namespace
 * selectors) throws instead of being ignored, so a check never passes by
 * leaving something out.
 *
 * Scoring is a stand-in for the default plugins: fewest pods of the same
 * workload (the default spreading of ReplicaSets and StatefulSets, preferred
 * anti-affinity, ScheduleAnyway constraints), then least allocated, then the
 * node's name, so results are deterministic.
 */

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: TaintEffect | '';
  tolerationSeconds?: number;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }>;
}

interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  topologyKey: string;
  namespaces?: string[];
  namespaceSelector?: unknown;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: {
      nodeSelectorTerms: NodeSelectorTerm[];
    };
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
  };
  podAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
  };
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: Array<{
      weight: number;
      podAffinityTerm: PodAffinityTerm;
    }>;
  };
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

/** CPU in millicores, memory in bytes. */
export interface Resources {
  cpu: number;
  memory: number;
}

/** What the scheduler reads of a pod. */
export interface PodTemplate {
  namespace: string;
  labels: Record<string, string>;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  requests?: Resources;
}

export interface Pod extends PodTemplate {
  name: string;
  /** The controller that owns it, e.g. "Deployment desktop-mania/backstage". */
  workload: string;
  /** Where it runs; undefined while Pending. */
  nodeName?: string;
  /** A DaemonSet's pod: tolerates what the DaemonSet controller adds, and a drain skips it. */
  daemon?: boolean;
  /**
   * The only node it can run on, e.g. where its strict-local volume lives.
   * Elsewhere it would be scheduled but never start; the model keeps it
   * Pending instead, which is the same for every check here.
   */
  pinnedTo?: string;
}

export interface Node {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable?: boolean;
  allocatable: Resources;
}

const UNSCHEDULABLE_TAINT: Taint = {
  key: 'node.kubernetes.io/unschedulable',
  effect: 'NoSchedule',
};

/** What the DaemonSet controller adds to every pod it creates. */
const DAEMONSET_TOLERATIONS: Toleration[] = [
  {
    key: 'node.kubernetes.io/not-ready',
    operator: 'Exists',
    effect: 'NoExecute',
  },
  {
    key: 'node.kubernetes.io/unreachable',
    operator: 'Exists',
    effect: 'NoExecute',
  },
  {
    key: 'node.kubernetes.io/disk-pressure',
    operator: 'Exists',
    effect: 'NoSchedule',
  },
  {
    key: 'node.kubernetes.io/memory-pressure',
    operator: 'Exists',
    effect: 'NoSchedule',
  },
  {
    key: 'node.kubernetes.io/pid-pressure',
    operator: 'Exists',
    effect: 'NoSchedule',
  },
  {
    key: 'node.kubernetes.io/unschedulable',
    operator: 'Exists',
    effect: 'NoSchedule',
  },
];

export function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some(t => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

function tolerationsOf(pod: Pod | PodTemplate): Toleration[] {
  return [
    ...(pod.tolerations ?? []),
    ...('daemon' in pod && pod.daemon ? DAEMONSET_TOLERATIONS : []),
  ];
}

/** Taints that keep the pod off the node (PreferNoSchedule only scores). */
export function untoleratedTaints(pod: Pod | PodTemplate, node: Node): Taint[] {
  const tolerations = tolerationsOf(pod);
  return node.taints.filter(
    t => t.effect !== 'PreferNoSchedule' && !tolerates(tolerations, t),
  );
}

export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  // A nil selector selects nothing, an empty one everything.
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}))
    if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(value)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`unknown label selector operator ${e.operator}`);
    }
  }
  return true;
}

function requirementMatches(
  r: NodeSelectorRequirement,
  value: string | undefined,
): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(r.values?.[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(r.values?.[0]);
    default:
      throw new Error(`unknown node selector operator ${r.operator}`);
  }
}

/** nodeSelector and required node affinity: what NodeAffinity filters on. */
export function nodeAffinityMatches(pod: PodTemplate, node: Node): boolean {
  for (const [k, v] of Object.entries(pod.nodeSelector ?? {}))
    if (node.labels[k] !== v) return false;
  const required =
    pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  // Terms are ORed; an empty term matches no node.
  return required.nodeSelectorTerms.some(term => {
    const expressions = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (expressions.length === 0 && fields.length === 0) return false;
    return (
      expressions.every(r => requirementMatches(r, node.labels[r.key])) &&
      fields.every(r => {
        if (r.key !== 'metadata.name')
          throw new Error(`node field ${r.key} is not modelled`);
        return requirementMatches(r, node.name);
      })
    );
  });
}

function checkSupported(pod: PodTemplate) {
  const a = pod.affinity;
  if (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length)
    throw new Error('required pod affinity is not modelled');
  const terms = [
    ...(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ??
      []),
    ...(
      a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []
    ).map(w => w.podAffinityTerm),
  ];
  for (const t of terms) {
    if (t.namespaceSelector !== undefined)
      throw new Error(
        'namespaceSelector in pod affinity terms is not modelled',
      );
    if (t.matchLabelKeys?.length || t.mismatchLabelKeys?.length)
      throw new Error('matchLabelKeys in pod affinity terms is not modelled');
  }
}

function termMatches(
  term: PodAffinityTerm,
  termOwnerNamespace: string,
  other: PodTemplate,
): boolean {
  const namespaces = term.namespaces?.length
    ? term.namespaces
    : [termOwnerNamespace];
  return (
    namespaces.includes(other.namespace) &&
    selectorMatches(term.labelSelector, other.labels)
  );
}

/** The constraint's selector with matchLabelKeys folded in, as the API server does. */
function spreadSelector(
  c: TopologySpreadConstraint,
  pod: PodTemplate,
): LabelSelector {
  const extra = (c.matchLabelKeys ?? [])
    .filter(k => k in pod.labels)
    .map(k => ({ key: k, operator: 'In' as const, values: [pod.labels[k]] }));
  return {
    matchLabels: c.labelSelector?.matchLabels,
    matchExpressions: [...(c.labelSelector?.matchExpressions ?? []), ...extra],
  };
}

export interface Verdict {
  node: string;
  fits: boolean;
  reasons: string[];
}

function requestsOf(p: PodTemplate): Resources {
  return p.requests ?? { cpu: 0, memory: 0 };
}

/** Nodes and the pods bound to them. */
export class Cluster {
  readonly nodes: Node[];
  readonly pods: Pod[] = [];

  constructor(nodes: Node[]) {
    this.nodes = nodes.map(n => ({ ...n, taints: [...n.taints] }));
  }

  node(name: string): Node {
    const node = this.nodes.find(n => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  podsOn(nodeName: string): Pod[] {
    return this.pods.filter(p => p.nodeName === nodeName);
  }

  pending(): Pod[] {
    return this.pods.filter(p => !p.nodeName);
  }

  /** kubectl cordon: spec.unschedulable, and the taint the node controller adds for it. */
  cordon(name: string) {
    const node = this.node(name);
    node.unschedulable = true;
    if (!node.taints.some(t => t.key === UNSCHEDULABLE_TAINT.key))
      node.taints.push({ ...UNSCHEDULABLE_TAINT });
  }

  uncordon(name: string) {
    const node = this.node(name);
    node.unschedulable = false;
    node.taints = node.taints.filter(t => t.key !== UNSCHEDULABLE_TAINT.key);
  }

  /** Whether `pod` may be bound to each node, and why not. */
  verdicts(pod: Pod): Verdict[] {
    checkSupported(pod);
    return this.nodes.map(node => ({
      node: node.name,
      ...this.check(pod, node),
    }));
  }

  private check(pod: Pod, node: Node): { fits: boolean; reasons: string[] } {
    const reasons: string[] = [];
    if (pod.pinnedTo && pod.pinnedTo !== node.name)
      reasons.push(`its volume lives on ${pod.pinnedTo}`);
    if (
      node.unschedulable &&
      !tolerates(tolerationsOf(pod), UNSCHEDULABLE_TAINT)
    )
      reasons.push('cordoned');
    for (const t of untoleratedTaints(pod, node))
      if (t.key !== UNSCHEDULABLE_TAINT.key)
        reasons.push(
          `taint ${t.key}${t.value ? `=${t.value}` : ''}:${
            t.effect
          } not tolerated`,
        );
    if (!nodeAffinityMatches(pod, node))
      reasons.push('node selector or required node affinity does not match');
    const used = this.podsOn(node.name)
      .filter(p => p !== pod)
      .map(requestsOf)
      .reduce((a, r) => ({ cpu: a.cpu + r.cpu, memory: a.memory + r.memory }), {
        cpu: 0,
        memory: 0,
      });
    const want = requestsOf(pod);
    if (used.cpu + want.cpu > node.allocatable.cpu)
      reasons.push('not enough CPU');
    if (used.memory + want.memory > node.allocatable.memory)
      reasons.push('not enough memory');
    reasons.push(...this.antiAffinityConflicts(pod, node));
    reasons.push(...this.spreadViolations(pod, node));
    return { fits: reasons.length === 0, reasons };
  }

  private others(pod: Pod): Pod[] {
    return this.pods.filter(p => p !== pod && p.nodeName);
  }

  private antiAffinityConflicts(pod: Pod, node: Node): string[] {
    const reasons: string[] = [];
    const sameDomain = (other: Pod, key: string) =>
      node.labels[key] !== undefined &&
      this.node(other.nodeName!).labels[key] === node.labels[key];
    for (const term of pod.affinity?.podAntiAffinity
      ?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
      const clash = this.others(pod).find(
        o =>
          termMatches(term, pod.namespace, o) &&
          sameDomain(o, term.topologyKey),
      );
      if (clash)
        reasons.push(
          `required anti-affinity (${term.topologyKey}) with ${clash.name}`,
        );
    }
    for (const other of this.others(pod)) {
      checkSupported(other);
      for (const term of other.affinity?.podAntiAffinity
        ?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
        if (
          termMatches(term, other.namespace, pod) &&
          sameDomain(other, term.topologyKey)
        )
          reasons.push(
            `${other.name}'s required anti-affinity (${term.topologyKey})`,
          );
      }
    }
    return reasons;
  }

  /** Nodes a spread constraint counts as domains for this pod. */
  private spreadDomainNodes(
    pod: Pod,
    c: TopologySpreadConstraint,
    keys: string[],
  ): Node[] {
    return this.nodes.filter(
      n =>
        keys.every(k => n.labels[k] !== undefined) &&
        ((c.nodeAffinityPolicy ?? 'Honor') === 'Ignore' ||
          nodeAffinityMatches(pod, n)) &&
        ((c.nodeTaintsPolicy ?? 'Ignore') === 'Ignore' ||
          untoleratedTaints(pod, n).length === 0),
    );
  }

  private domainCounts(
    pod: Pod,
    c: TopologySpreadConstraint,
    keys: string[],
  ): Map<string, number> {
    const selector = spreadSelector(c, pod);
    const counts = new Map<string, number>();
    for (const n of this.spreadDomainNodes(pod, c, keys)) {
      const domain = n.labels[c.topologyKey];
      const here = this.podsOn(n.name).filter(
        p =>
          p !== pod &&
          p.namespace === pod.namespace &&
          selectorMatches(selector, p.labels),
      ).length;
      counts.set(domain, (counts.get(domain) ?? 0) + here);
    }
    return counts;
  }

  private spreadViolations(pod: Pod, node: Node): string[] {
    const hard = (pod.topologySpreadConstraints ?? []).filter(
      c => c.whenUnsatisfiable === 'DoNotSchedule',
    );
    const keys = hard.map(c => c.topologyKey);
    const reasons: string[] = [];
    for (const c of hard) {
      const domain = node.labels[c.topologyKey];
      if (domain === undefined) {
        reasons.push(`no ${c.topologyKey} label`);
        continue;
      }
      const counts = this.domainCounts(pod, c, keys);
      const globalMin =
        counts.size < (c.minDomains ?? 1)
          ? 0
          : Math.min(...(counts.size ? [...counts.values()] : [0]));
      const self = selectorMatches(spreadSelector(c, pod), pod.labels) ? 1 : 0;
      const skew = (counts.get(domain) ?? 0) + self - globalMin;
      if (skew > c.maxSkew)
        reasons.push(
          `topology spread on ${c.topologyKey}: skew ${skew} > ${c.maxSkew} ` +
            `(domains ${[...counts.entries()]
              .map(([d, n]) => `${d}=${n}`)
              .join(', ')})`,
        );
    }
    return reasons;
  }

  /** Lower is better; see the module comment. */
  private score(pod: Pod, node: Node): [number, number, string] {
    const here = this.podsOn(node.name).filter(p => p !== pod);
    let spread = here.filter(p => p.workload === pod.workload).length;
    for (const w of pod.affinity?.podAntiAffinity
      ?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      spread += this.others(pod).filter(
        o =>
          termMatches(w.podAffinityTerm, pod.namespace, o) &&
          node.labels[w.podAffinityTerm.topologyKey] !== undefined &&
          this.node(o.nodeName!).labels[w.podAffinityTerm.topologyKey] ===
            node.labels[w.podAffinityTerm.topologyKey],
      ).length;
    }
    for (const c of pod.topologySpreadConstraints ?? [])
      if (c.whenUnsatisfiable === 'ScheduleAnyway')
        spread +=
          this.domainCounts(pod, c, [c.topologyKey]).get(
            node.labels[c.topologyKey],
          ) ?? 0;
    spread += node.taints.filter(t => t.effect === 'PreferNoSchedule').length;
    const used = here
      .map(requestsOf)
      .reduce((a, r) => ({ cpu: a.cpu + r.cpu, memory: a.memory + r.memory }), {
        cpu: 0,
        memory: 0,
      });
    const want = requestsOf(pod);
    const allocated =
      (used.cpu + want.cpu) / node.allocatable.cpu +
      (used.memory + want.memory) / node.allocatable.memory;
    return [spread, allocated, node.name];
  }

  /** Binds the pod to the best node it fits on; false leaves it Pending. */
  schedule(pod: Pod): boolean {
    if (!this.pods.includes(pod)) this.pods.push(pod);
    pod.nodeName = undefined;
    const fitting = this.verdicts(pod)
      .filter(v => v.fits)
      .map(v => this.node(v.node));
    if (fitting.length === 0) return false;
    const best = fitting
      .map(n => ({ n, s: this.score(pod, n) }))
      .sort(
        (a, b) =>
          a.s[0] - b.s[0] || a.s[1] - b.s[1] || a.s[2].localeCompare(b.s[2]),
      )[0].n;
    pod.nodeName = best.name;
    return true;
  }

  /** Why a pending pod fits nowhere, one line per node. */
  whyPending(pod: Pod): string {
    return this.verdicts(pod)
      .map(v => `${v.node}: ${v.reasons.join('; ')}`)
      .join('\n');
  }

  remove(pod: Pod) {
    const i = this.pods.indexOf(pod);
    if (i >= 0) this.pods.splice(i, 1);
  }
}

/** An intOrString of maxSurge/maxUnavailable/minAvailable against a total. */
export function resolveIntOrPercent(
  value: number | string | undefined,
  total: number,
  fallback: number | string,
  roundUp: boolean,
): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v);
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface RolloutResult {
  completed: boolean;
  /** What blocked it, when it did not complete. */
  stuck?: string;
}

/**
 * A Deployment's rolling update to a new revision with the same scheduling
 * rules, as the Deployment controller drives it: new pods up to
 * replicas + maxSurge, old pods down while at least replicas -
 * maxUnavailable stay available, Pending pods counting as unavailable. The
 * ReplicaSet controller removes an old pod from the node with the most of
 * them first. Ends when the old revision is gone and every new pod runs, or
 * when a round changes nothing.
 */
export function rollOut(
  cluster: Cluster,
  workload: string,
  replicas: number,
  strategy: { maxSurge?: number | string; maxUnavailable?: number | string },
  newPod: (index: number) => Pod,
): RolloutResult {
  const surge = resolveIntOrPercent(strategy.maxSurge, replicas, '25%', true);
  const unavailable = resolveIntOrPercent(
    strategy.maxUnavailable,
    replicas,
    '25%',
    false,
  );
  const minAvailable = replicas - unavailable;
  let old = cluster.pods.filter(p => p.workload === workload);
  const fresh: Pod[] = [];
  for (let round = 0; round < 10 * (replicas + 1); round++) {
    let changed = false;
    for (const p of fresh.filter(f => !f.nodeName))
      if (cluster.schedule(p)) changed = true;
    while (
      fresh.length < replicas &&
      old.length + fresh.length < replicas + surge
    ) {
      const p = newPod(fresh.length);
      fresh.push(p);
      cluster.schedule(p);
      changed = true;
    }
    const available = [...old, ...fresh].filter(p => p.nodeName).length;
    const freshUnavailable = fresh.filter(p => !p.nodeName).length;
    const scaleDown =
      old.length + fresh.length - minAvailable - freshUnavailable;
    // Old pods that do not run count against nothing and go first; then one
    // from the node holding the most of them.
    const current = old;
    const crowd = (p: Pod) =>
      current.filter(o => o.nodeName === p.nodeName).length;
    const victim = [...current].sort(
      (a, b) =>
        Number(!!a.nodeName) - Number(!!b.nodeName) || crowd(b) - crowd(a),
    )[0];
    if (
      victim &&
      (!victim.nodeName || (scaleDown > 0 && available - 1 >= minAvailable))
    ) {
      cluster.remove(victim);
      old = old.filter(o => o !== victim);
      changed = true;
    }
    if (
      old.length === 0 &&
      fresh.every(p => p.nodeName) &&
      fresh.length === replicas
    )
      return { completed: true };
    if (!changed) {
      const waiting = fresh.find(p => !p.nodeName);
      return {
        completed: false,
        stuck: waiting
          ? `new pod ${waiting.name} stays Pending and ${
              old.length
            } old pod(s) may not go (maxUnavailable ${unavailable}):\n${cluster.whyPending(
              waiting,
            )}`
          : `${old.length} old pod(s) may not go`,
      };
    }
  }
  return { completed: false, stuck: 'no end after many rounds' };
}
