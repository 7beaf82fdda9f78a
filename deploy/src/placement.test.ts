import { kustomizeAvailable } from './__testUtils__/kustomize';
import { longhornClassesOf, longhornNodes } from './__testUtils__/drain';
import {
  Cluster,
  rollOut,
  type Node,
  type Pod,
  type PodTemplate,
} from './__testUtils__/scheduler';
import { siteOf } from './__testUtils__/site';
import {
  TOPOLOGIES,
  describeTopology,
  nodesOf,
  type Topology,
} from './__testUtils__/topologies';
import type { Workload } from './__testUtils__/workloads';

if (!kustomizeAvailable()) {
  throw new Error(
    'kubectl is not on PATH; run the tests through scripts/test.sh, which installs it',
  );
}

/** Where each DaemonSet must have a pod, by the role of the node. */
const DAEMONSET_ROLES: Record<string, 'servers' | 'workers' | 'all'> = {
  // The VIP can only move to a server that runs kube-vip.
  'DaemonSet kube-system/kube-vip-ds': 'servers',
  // Desktops run on every worker; each needs virt-handler.
  'DaemonSet kubevirt/virt-handler': 'workers',
  'DaemonSet monitoring/kube-prometheus-stack-prometheus-node-exporter': 'all',
};

const isServer = (n: Node) =>
  n.labels['node-role.kubernetes.io/control-plane'] === 'true';

function podsOf(w: Workload, count: number, revision = 1): Pod[] {
  return Array.from({ length: count }, (_, i) => ({
    ...w.template,
    labels: {
      ...w.template.labels,
      ...(w.cnpg
        ? { 'cnpg.io/instanceRole': i === 0 ? 'primary' : 'replica' }
        : {}),
    },
    name: `${w.id.split('/')[1]}-r${revision}-${i + 1}`,
    workload: w.id,
  }));
}

/** Places every workload the way a fresh install does: DaemonSets, then the rest in manifest order. */
function install(nodes: Node[], workloads: Workload[]): Cluster {
  const cluster = new Cluster(nodes);
  for (const w of workloads.filter(x => x.replicas === undefined))
    for (const n of cluster.nodes) {
      const pod: Pod = {
        ...w.template,
        name: `${w.id}@${n.name}`,
        workload: w.id,
        daemon: true,
        pinnedTo: n.name,
      };
      if (!cluster.schedule(pod)) cluster.remove(pod);
    }
  for (const w of workloads.filter(x => x.replicas !== undefined))
    for (const pod of podsOf(w, w.replicas!)) cluster.schedule(pod);
  return cluster;
}

describe('the scheduler model', () => {
  const nodes = nodesOf({ servers: 3, workers: 2 }, 'model');
  const spread = (policy?: 'Honor'): PodTemplate => ({
    namespace: 'n',
    labels: { app: 'a' },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: 'a' } },
        nodeTaintsPolicy: policy,
      },
    ],
  });
  const workload = (template: PodTemplate, replicas: number): Workload => ({
    id: 'Deployment n/a',
    template,
    replicas,
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    volumes: [],
  });

  it('reads the servers taint from deploy/rke2 and keeps untolerating pods off them', () => {
    const servers = nodes.filter(isServer);
    expect(servers).toHaveLength(3);
    for (const s of servers)
      expect(s.taints).toContainEqual({
        key: 'CriticalAddonsOnly',
        value: 'true',
        effect: 'NoExecute',
      });
    const cluster = install(nodes, [
      workload({ namespace: 'n', labels: {} }, 4),
    ]);
    expect(cluster.pods.every(p => !isServer(cluster.node(p.nodeName!)))).toBe(
      true,
    );
  });

  it('counts tainted servers as empty spread domains unless nodeTaintsPolicy is Honor, as Kubernetes documents', () => {
    const ignore = install(nodes, [workload(spread(), 3)]);
    expect(ignore.pending()).toHaveLength(1);
    expect(ignore.whyPending(ignore.pending()[0])).toMatch(/skew 2 > 1/);
    const honor = install(nodes, [workload(spread('Honor'), 3)]);
    expect(honor.pending()).toHaveLength(0);
  });

  it('deadlocks a maxUnavailable 0 rollout when the surge pod has no domain to go to', () => {
    const w = workload(spread(), 2);
    const stuck = install(nodes, [w]);
    expect(
      rollOut(stuck, w.id, 2, w.rollingUpdate!, i => podsOf(w, 2, 2)[i])
        .completed,
    ).toBe(false);
    const h = workload(spread('Honor'), 2);
    const fine = install(nodes, [h]);
    expect(
      rollOut(fine, h.id, 2, h.rollingUpdate!, i => podsOf(h, 2, 2)[i])
        .completed,
    ).toBe(true);
  });

  it('keeps replicas with required anti-affinity on different nodes', () => {
    const term = {
      labelSelector: { matchLabels: { app: 'db' } },
      topologyKey: 'kubernetes.io/hostname',
    };
    const db = workload(
      {
        namespace: 'n',
        labels: { app: 'db' },
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [term],
          },
        },
      },
      3,
    );
    const cluster = install(nodes, [db]);
    expect(cluster.pending()).toHaveLength(1);
    expect(cluster.whyPending(cluster.pending()[0])).toMatch(
      /required anti-affinity/,
    );
  });

  it('refuses what it does not model instead of ignoring it', () => {
    const affine = workload(
      {
        namespace: 'n',
        labels: {},
        affinity: {
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { topologyKey: 'kubernetes.io/hostname' },
            ],
          },
        },
      },
      1,
    );
    expect(() => install(nodes, [affine])).toThrow(/not modelled/);
  });
});

const sites = Object.entries(TOPOLOGIES).flatMap(([site, topologies]) =>
  topologies.map(t => [`${site} (${describeTopology(t)})`, site, t] as const),
);

describe.each(sites)('on the %s', (_title, site, topology: Topology) => {
  const { overlay, workloads } = siteOf(site);
  const nodes = nodesOf(topology, site);
  const cluster = install(nodes, workloads);
  const replicated = workloads.filter(w => w.replicas !== undefined);
  const daemons = workloads.filter(w => w.replicas === undefined);

  it.each(replicated.map(w => [w.id, w]))(
    'every replica of %s finds a node',
    (_id, w) => {
      const pending = cluster.pending().filter(p => p.workload === w.id);
      expect(
        pending.map(p => `${p.name} stays Pending:\n${cluster.whyPending(p)}`),
      ).toEqual([]);
    },
  );

  it.each(daemons.map(w => [w.id, w]))(
    '%s runs on the nodes that need it',
    (id, w) => {
      const role = DAEMONSET_ROLES[id];
      expect(role).toBeDefined();
      const want = nodes
        .filter(n => role === 'all' || (role === 'servers') === isServer(n))
        .map(n => n.name);
      const have = cluster.pods
        .filter(p => p.workload === w.id && p.nodeName)
        .map(p => p.nodeName!);
      expect(have.sort()).toEqual(want.sort());
    },
  );

  it.each(replicated.filter(w => w.rollingUpdate).map(w => [w.id, w] as const))(
    'a rolling update of %s completes',
    (_id, w) => {
      const state = install(nodes, workloads);
      const result = rollOut(
        state,
        w.id,
        w.replicas!,
        w.rollingUpdate!,
        i => podsOf(w, w.replicas!, 2)[i],
      );
      expect(result.stuck).toBeUndefined();
      expect(result.completed).toBe(true);
    },
  );

  it('gives no Longhorn volume more replicas than there are nodes to hold them', () => {
    // Longhorn's replica-soft-anti-affinity is false by default: one
    // replica of a volume per node (longhorn-manager types/setting.go).
    const holders = longhornNodes(nodes);
    const classes = [...longhornClassesOf(overlay).values()];
    expect(classes.length).toBeGreaterThan(0);
    expect(
      classes
        .filter(
          c =>
            c.replicas > holders.length || (c.strictLocal && c.replicas !== 1),
        )
        .map(
          c =>
            `${c.name}: ${c.replicas} replicas${
              c.strictLocal ? ' (strict-local)' : ''
            }, ${holders.length} Longhorn nodes`,
        ),
    ).toEqual([]);
  });
});

describe.each(['lab', 'production'])('the %s overlay', site => {
  const { overlay } = siteOf(site);

  it('runs no filesystem trim on volumes that are Block devices', () => {
    // longhorn-manager's TrimFilesystem refuses Block PVCs
    // (manager/volume.go), and a migratable class only makes Block volumes:
    // the RWX volumes KubeVirt live-migrates with.
    const blockClasses = overlay.filter(
      o =>
        o.kind === 'StorageClass' &&
        o.provisioner === 'driver.longhorn.io' &&
        o.parameters?.migratable === 'true',
    );
    expect(blockClasses.length).toBeGreaterThan(0);
    const selected = (o: any) =>
      JSON.parse(o.parameters?.recurringJobSelector ?? '[]') as Array<{
        name: string;
        isGroup?: boolean;
      }>;
    const trims = overlay.filter(
      o => o.kind === 'RecurringJob' && o.spec.task === 'filesystem-trim',
    );
    const clashes = trims.flatMap(job =>
      blockClasses
        .filter(c =>
          selected(c).some(s =>
            s.isGroup
              ? (job.spec.groups ?? []).includes(s.name)
              : s.name === job.metadata.name,
          ),
        )
        .map(c => `${job.metadata.name} -> ${c.metadata.name}`),
    );
    expect(clashes).toEqual([]);
  });
});
