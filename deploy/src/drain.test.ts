import { kustomizeAvailable } from './__testUtils__/kustomize';
import {
  DrainModel,
  LONGHORN_DEFAULT_DRAIN_POLICY,
  drainPolicyOf,
  longhornClassesOf,
  longhornNodes,
  type DrainPolicy,
} from './__testUtils__/drain';
import { siteOf } from './__testUtils__/site';
import {
  TOPOLOGIES,
  describeTopology,
  nodesOf,
  type Topology,
} from './__testUtils__/topologies';

if (!kustomizeAvailable()) {
  throw new Error(
    'kubectl is not on PATH; run the tests through scripts/test.sh, which installs it',
  );
}

const sites = Object.entries(TOPOLOGIES).flatMap(([site, topologies]) =>
  topologies.map(t => [`${site} (${describeTopology(t)})`, site, t] as const),
);

function modelOf(site: string, topology: Topology, policy?: DrainPolicy) {
  const { overlay, workloads, budgets } = siteOf(site);
  const nodes = nodesOf(topology, site);
  return new DrainModel(
    nodes,
    workloads,
    budgets,
    longhornClassesOf(overlay),
    policy ?? drainPolicyOf(overlay),
  );
}

describe.each(sites)('on the %s', (_title, site, topology: Topology) => {
  // The guide's upgrade: one worker after another, drained, upgraded and
  // uncordoned before the next.
  const model = modelOf(site, topology);
  const workers = longhornNodes(model.cluster.nodes);

  it('starts with every pod running', () => {
    expect(model.cluster.pending().map(p => p.name)).toEqual([]);
  });

  it.each(workers.map(w => [w]))(
    'a drain of %s completes, and everything it moved comes back after uncordon',
    worker => {
      const result = model.drain(worker);
      expect({ node: worker, blocked: result.blocked }).toEqual({
        node: worker,
        blocked: [],
      });
      expect(result.completed).toBe(true);
      expect(model.uncordon(worker).map(p => p.name)).toEqual([]);
    },
  );
});

describe('the drain model', () => {
  const lab = TOPOLOGIES.lab[0];

  it(`blocks a worker holding PostgreSQL's only replica under Longhorn's default (${LONGHORN_DEFAULT_DRAIN_POLICY})`, () => {
    const model = modelOf('lab', lab, LONGHORN_DEFAULT_DRAIN_POLICY);
    const worker = longhornNodes(model.cluster.nodes)[0];
    const result = model.drain(worker);
    expect(result.completed).toBe(false);
    expect(result.blocked.join('\n')).toMatch(
      /instance-manager.*holds the last replica of backstage-db/,
    );
  });

  it("keeps CloudNativePG's primary until it has switched over, then lets it go", () => {
    const model = modelOf('lab', lab, 'allow-if-replica-is-stopped');
    const primary = model.cluster.pods.find(
      p => p.labels['cnpg.io/instanceRole'] === 'primary',
    )!;
    const result = model.drain(primary.nodeName!);
    expect(result.log.join('\n')).toMatch(/CloudNativePG switched/);
    expect(result.completed).toBe(true);
  });

  it('refuses a second eviction while the first evicted pod cannot start anywhere', () => {
    const model = modelOf('lab', lab, 'allow-if-replica-is-stopped');
    // Both Prometheus replicas on one worker: the first waits for its
    // volume's node, and the budget keeps the second.
    const prometheus = model.cluster.pods.filter(p =>
      p.workload.includes('prometheus-kube-prometheus-stack-prometheus'),
    );
    const [a, b] = prometheus;
    b.nodeName = a.nodeName;
    b.pinnedTo = a.nodeName;
    const result = model.drain(a.nodeName!);
    expect(result.completed).toBe(false);
    expect(result.blocked.join('\n')).toMatch(/1 healthy, 1 required/);
  });
});
