import type { KubeObject } from './kustomize';
import {
  Cluster,
  resolveIntOrPercent,
  selectorMatches,
  untoleratedTaints,
  type Node,
  type Pod,
} from './scheduler';
import type { DisruptionBudget, Workload } from './workloads';

/**
 * Longhorn's node-drain-policy values and its default
 * (longhorn/longhorn-manager types/setting.go, SettingDefinitionNodeDrainPolicy,
 * v1.12.1).
 */
export const DRAIN_POLICIES = [
  'block-for-eviction',
  'block-for-eviction-if-contains-last-replica',
  'block-if-contains-last-replica',
  'allow-if-replica-is-stopped',
  'always-allow',
] as const;
export type DrainPolicy = (typeof DRAIN_POLICIES)[number];
export const LONGHORN_DEFAULT_DRAIN_POLICY: DrainPolicy =
  'block-if-contains-last-replica';

/** The node-drain-policy a set of manifests leaves Longhorn with. */
export function drainPolicyOf(objects: KubeObject[]): DrainPolicy {
  const setting = objects.find(
    o =>
      o.apiVersion === 'longhorn.io/v1beta2' &&
      o.kind === 'Setting' &&
      o.metadata.name === 'node-drain-policy',
  );
  return (setting?.value as DrainPolicy) ?? LONGHORN_DEFAULT_DRAIN_POLICY;
}

export interface LonghornClass {
  name: string;
  replicas: number;
  strictLocal: boolean;
}

/** Longhorn StorageClasses by name (numberOfReplicas defaults to 3). */
export function longhornClassesOf(
  objects: KubeObject[],
): Map<string, LonghornClass> {
  return new Map(
    objects
      .filter(
        o =>
          o.kind === 'StorageClass' && o.provisioner === 'driver.longhorn.io',
      )
      .map(o => [
        o.metadata.name,
        {
          name: o.metadata.name,
          replicas: Number(o.parameters?.numberOfReplicas ?? 3),
          strictLocal: o.parameters?.dataLocality === 'strict-local',
        },
      ]),
  );
}

/**
 * Nodes Longhorn keeps replicas on: those its manager DaemonSet runs on,
 * which by default tolerates no taint (Longhorn's taint-toleration setting
 * is empty), so the tainted servers hold none.
 */
export function longhornNodes(nodes: Node[]): string[] {
  return nodes
    .filter(
      n => untoleratedTaints({ namespace: '', labels: {} }, n).length === 0,
    )
    .map(n => n.name);
}

interface Volume {
  name: string;
  storageClass: LonghornClass;
  replicas: string[];
  consumer?: Pod;
}

export interface DrainResult {
  node: string;
  completed: boolean;
  /** For each pod left on the node, why it could not be evicted. */
  blocked: string[];
  log: string[];
}

const IM_LABEL = 'longhorn.io/component';

/**
 * A cluster running the given workloads, drained the way `kubectl drain
 * --ignore-daemonsets --delete-emptydir-data` does it: cordon, then evict
 * every other pod through the Eviction API, retrying while a
 * PodDisruptionBudget refuses, until the node is empty or nothing moves.
 * Evicted pods are recreated by their controllers and scheduled again; a pod
 * whose strict-local volume is on the drained node can only wait for it.
 *
 * The controllers that react to a drain are modelled as their code does it:
 * - the Eviction API allows an eviction when every budget selecting the pod
 *   keeps its healthy count at or above what it requires, and refuses a pod
 *   with more than one budget;
 * - CloudNativePG switches the primary over to a ready instance on a
 *   schedulable node when its node is cordoned (reconcileTargetPrimaryFromPods
 *   in internal/controller/replicas.go);
 * - Longhorn keeps a budget of minAvailable 1 on each node's instance
 *   manager and deletes it on a cordoned node only when no volume is attached
 *   there and the node-drain-policy allows it for the replicas the node holds
 *   (canDeleteInstanceManagerPDB in controller/instance_manager_controller.go,
 *   v1.12.1). A replica counts as covered when its volume has a healthy
 *   replica on another node whose budget still stands; under
 *   allow-if-replica-is-stopped only replicas of attached volumes must be
 *   covered; the eviction policies first move replicas to another Longhorn
 *   node that has none of that volume, which a strict-local replica cannot do.
 *
 * KubeVirt's desktops are out of scope: virt-launcher pods live-migrate
 * through KubeVirt's own eviction handling.
 */
export class DrainModel {
  readonly cluster: Cluster;
  private readonly budgets: DisruptionBudget[];
  private readonly volumes: Volume[] = [];
  private readonly cnpg: Workload[];
  private readonly storageNodes: string[];
  /** Cordoned nodes whose instance-manager budget Longhorn has deleted. */
  private readonly imBudgetGone = new Set<string>();

  constructor(
    nodes: Node[],
    workloads: Workload[],
    budgets: DisruptionBudget[],
    classes: Map<string, LonghornClass>,
    readonly policy: DrainPolicy,
  ) {
    this.cluster = new Cluster(nodes);
    this.budgets = budgets;
    this.storageNodes = longhornNodes(nodes);
    this.cnpg = workloads.filter(w => w.cnpg);

    for (const node of this.storageNodes)
      this.cluster.schedule({
        name: `instance-manager-${node}`,
        workload: `InstanceManager longhorn-system/${node}`,
        namespace: 'longhorn-system',
        labels: { [IM_LABEL]: 'instance-manager', 'longhorn.io/node': node },
        pinnedTo: node,
      });

    for (const w of workloads) {
      if (w.replicas === undefined) {
        for (const n of this.cluster.nodes) {
          const pod: Pod = {
            ...w.template,
            name: `${w.id}@${n.name}`,
            workload: w.id,
            daemon: true,
            pinnedTo: n.name,
          };
          if (!this.cluster.schedule(pod)) this.cluster.remove(pod);
        }
        continue;
      }
      for (let i = 0; i < w.replicas; i++) {
        const labels = { ...w.template.labels };
        if (w.cnpg)
          labels['cnpg.io/instanceRole'] = i === 0 ? 'primary' : 'replica';
        const pod: Pod = {
          ...w.template,
          labels,
          name: `${w.id.split('/')[1]}-${i + 1}`,
          workload: w.id,
        };
        this.cluster.schedule(pod);
        if (!pod.nodeName) continue;
        for (const [k, className] of w.volumes.entries()) {
          const storageClass = classes.get(className);
          if (!storageClass) continue;
          const replicas = storageClass.strictLocal
            ? [pod.nodeName]
            : this.spreadReplicas(storageClass.replicas, pod.nodeName);
          this.volumes.push({
            name: `${pod.name} volume ${k + 1} (${className})`,
            storageClass,
            replicas,
            consumer: pod,
          });
          if (storageClass.strictLocal) pod.pinnedTo = pod.nodeName;
        }
      }
    }

    // Volumes no modelled pod uses (desktop disks, VM state, golden
    // images): detached, one starting on each Longhorn node.
    const used = new Set(workloads.flatMap(w => w.volumes));
    for (const c of classes.values()) {
      if (used.has(c.name)) continue;
      this.storageNodes.forEach((start, i) =>
        this.volumes.push({
          name: `${c.name}-volume-${i + 1}`,
          storageClass: c,
          replicas: this.spreadReplicas(c.replicas, start),
        }),
      );
    }
  }

  /** Longhorn puts at most one replica of a volume on a node. */
  private spreadReplicas(count: number, first: string): string[] {
    const order = [first, ...this.storageNodes.filter(n => n !== first)].filter(
      n => this.storageNodes.includes(n),
    );
    return order.slice(0, count);
  }

  private attachedTo(v: Volume): string | undefined {
    return v.consumer?.nodeName;
  }

  private hasBudget(node: string): boolean {
    return this.storageNodes.includes(node) && !this.imBudgetGone.has(node);
  }

  /** Why Longhorn keeps the instance-manager budget of a cordoned node, or undefined. */
  private imBudgetHold(node: string, log: string[]): string | undefined {
    const attached = this.volumes.filter(v => this.attachedTo(v) === node);
    if (attached.length)
      return `volumes still attached: ${attached.map(v => v.name).join(', ')}`;
    if (this.policy === 'always-allow') return undefined;
    if (
      this.policy === 'block-for-eviction' ||
      this.policy === 'block-for-eviction-if-contains-last-replica'
    ) {
      for (const v of this.volumes.filter(x => x.replicas.includes(node))) {
        const covered = v.replicas.some(n => n !== node && this.hasBudget(n));
        if (this.policy !== 'block-for-eviction' && covered) continue;
        const target = this.storageNodes.find(
          n => !v.replicas.includes(n) && !this.cluster.node(n).unschedulable,
        );
        if (v.storageClass.strictLocal || !target) continue;
        v.replicas = v.replicas.map(n => (n === node ? target : n));
        log.push(
          `Longhorn moved ${v.name}'s replica from ${node} to ${target}`,
        );
      }
      if (this.policy === 'block-for-eviction') {
        const left = this.volumes.filter(v => v.replicas.includes(node));
        return left.length
          ? `replicas left to evict: ${left.map(v => v.name).join(', ')}`
          : undefined;
      }
    }
    const targets = this.volumes.filter(
      v =>
        v.replicas.includes(node) &&
        (this.policy !== 'allow-if-replica-is-stopped' ||
          this.attachedTo(v) !== undefined),
    );
    const alone = targets.filter(
      v => !v.replicas.some(n => n !== node && this.hasBudget(n)),
    );
    return alone.length
      ? `${this.policy}: ${node} holds the last replica of ${alone
          .map(v => v.name)
          .join(', ')}`
      : undefined;
  }

  private budgetsFor(pod: Pod): DisruptionBudget[] {
    const found = this.budgets.filter(
      b =>
        b.namespace === pod.namespace &&
        selectorMatches(b.selector, pod.labels),
    );
    if (pod.labels[IM_LABEL] && this.hasBudget(pod.nodeName ?? pod.pinnedTo!))
      found.push({
        id: `PodDisruptionBudget longhorn-system/${pod.name} (Longhorn)`,
        namespace: 'longhorn-system',
        selector: {
          matchLabels: { 'longhorn.io/node': pod.labels['longhorn.io/node'] },
        },
        minAvailable: 1,
      });
    return found;
  }

  /** Why the Eviction API refuses the pod now, or undefined. */
  private evictionRefusal(pod: Pod): string | undefined {
    const budgets = this.budgetsFor(pod);
    if (budgets.length > 1)
      return `more than one PodDisruptionBudget: ${budgets
        .map(b => b.id)
        .join(', ')}`;
    const budget = budgets[0];
    if (!budget) return undefined;
    const selected = this.cluster.pods.filter(
      p =>
        p.namespace === budget.namespace &&
        (budget.id.endsWith('(Longhorn)')
          ? p === pod
          : selectorMatches(budget.selector, p.labels)),
    );
    const healthy = selected.filter(p => p.nodeName).length;
    const expected = selected.length;
    const desired =
      budget.maxUnavailable !== undefined
        ? expected -
          resolveIntOrPercent(budget.maxUnavailable, expected, 0, true)
        : resolveIntOrPercent(budget.minAvailable, expected, 0, true);
    return healthy - 1 >= desired
      ? undefined
      : `${budget.id}: ${healthy} healthy, ${desired} required`;
  }

  /** CloudNativePG: a primary on a cordoned node hands over to a ready instance elsewhere. */
  private switchOver(log: string[]) {
    for (const w of this.cnpg) {
      const pods = this.cluster.pods.filter(p => p.workload === w.id);
      const primary = pods.find(
        p => p.labels['cnpg.io/instanceRole'] === 'primary',
      );
      if (
        !primary?.nodeName ||
        !this.cluster.node(primary.nodeName).unschedulable
      )
        continue;
      const target = pods.find(
        p =>
          p !== primary &&
          p.nodeName &&
          !this.cluster.node(p.nodeName).unschedulable,
      );
      if (!target) continue;
      primary.labels = { ...primary.labels, 'cnpg.io/instanceRole': 'replica' };
      target.labels = { ...target.labels, 'cnpg.io/instanceRole': 'primary' };
      log.push(
        `CloudNativePG switched ${w.id} over to ${target.name} on ${target.nodeName}`,
      );
    }
  }

  drain(node: string): DrainResult {
    const log: string[] = [];
    this.cluster.cordon(node);
    const evictable = () =>
      this.cluster
        .podsOn(node)
        .filter(p => !p.daemon)
        .sort((a, b) => a.name.localeCompare(b.name));
    for (let round = 0; round < 200; round++) {
      let moved = false;
      this.switchOver(log);
      for (const n of this.storageNodes) {
        if (!this.cluster.node(n).unschedulable || this.imBudgetGone.has(n))
          continue;
        if (this.imBudgetHold(n, log) === undefined) {
          this.imBudgetGone.add(n);
          log.push(`Longhorn deleted the instance-manager budget on ${n}`);
          moved = true;
        }
      }
      for (const pod of evictable()) {
        if (this.evictionRefusal(pod) !== undefined) continue;
        pod.nodeName = undefined;
        const placed = this.cluster.schedule(pod);
        log.push(
          `evicted ${pod.name}; ${
            placed ? `now on ${pod.nodeName}` : 'Pending'
          }`,
        );
        moved = true;
      }
      if (evictable().length === 0)
        return { node, completed: true, blocked: [], log };
      if (!moved) break;
    }
    return {
      node,
      completed: false,
      blocked: evictable().map(p => {
        const refusal = this.evictionRefusal(p) ?? 'no reason found';
        const hold = p.labels[IM_LABEL]
          ? ` (Longhorn keeps it: ${this.imBudgetHold(node, log)})`
          : '';
        return `${p.name}: ${refusal}${hold}`;
      }),
      log,
    };
  }

  /** kubectl uncordon; returns the pods that still find no node. */
  uncordon(node: string): Pod[] {
    this.cluster.uncordon(node);
    this.imBudgetGone.delete(node);
    for (const p of [...this.cluster.pending()].sort((a, b) =>
      a.name.localeCompare(b.name),
    ))
      this.cluster.schedule(p);
    return this.cluster.pending();
  }
}
