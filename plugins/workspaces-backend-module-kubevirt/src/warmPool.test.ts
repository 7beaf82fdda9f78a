import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readKubeVirtClusters } from './clusters';
import { KubeApiError } from './KubeApiError';
import { KubeVirtApi } from './KubeVirtApi';
import { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
import { refillWarmPools, type WarmPool } from './warmPool';
import { WarmPoolMetrics } from './warmPoolMetrics';
import { useApiServer } from './__testUtils__/apiServer';
import { countRequests } from './__testUtils__/restart';
import { FakeKubeVirt } from './__testUtils__/fakeKubeVirt';
import { spec, testCluster } from './__testUtils__/fixtures';

const ORDER = spec('linux');
const POOL: WarmPool = {
  key: 'ubuntu-desktop.medium',
  image: ORDER.image,
  size: ORDER.size,
  diskGi: ORDER.diskGi,
  count: 2,
  running: false,
};

describe('warm pool', () => {
  const server = useApiServer();
  let fake: FakeKubeVirt;
  let metrics: WarmPoolMetrics;
  let claims: string[];
  const cluster = testCluster({ warmPool: [POOL] });
  const logger = mockServices.logger.mock();
  const replica = () =>
    new KubeVirtWorkspaceProvider([cluster], logger, undefined, {
      metrics,
      onClaim: c => claims.push(c),
    });
  const refill = () =>
    refillWarmPools(
      { cluster, api: new KubeVirtApi(cluster), logger },
      metrics,
    );
  const members = () =>
    [...fake.vms.values()].filter(
      vm => vm.metadata.labels['desktopmania.io/warm-pool'] === POOL.key,
    );

  beforeEach(() => {
    fake = new FakeKubeVirt();
    metrics = new WarmPoolMetrics();
    claims = [];
    server.use(...fake.handlers());
  });

  it('fills the pool with stopped, unowned members that list never shows', async () => {
    await refill();
    expect(members()).toHaveLength(2);
    for (const vm of members()) {
      expect(vm.metadata.name).toMatch(/^warm-[0-9a-f]{10}$/);
      expect(vm.spec.runStrategy).toBe('Halted');
      expect(vm.metadata.labels['desktopmania.io/workspace']).toBeUndefined();
      expect(vm.metadata.annotations['desktopmania.io/owner']).toBeUndefined();
      expect(vm.spec.dataVolumeTemplates[0].spec.storage.resources).toEqual({
        requests: { storage: '60Gi' },
      });
    }
    await expect(replica().list('rke2-test')).resolves.toEqual([]);
    await refill();
    expect(members()).toHaveLength(2);
    expect(metrics.render()).toContain(
      'desktopmania_warm_pool_members{cluster="rke2-test",image="ubuntu-desktop",size="medium",state="ready"} 2',
    );
  });

  it('hands an order a member under the ordered name, then refills', async () => {
    await refill();
    const provider = replica();
    const made = await provider.create(ORDER);

    expect(made).toMatchObject({ name: 'linux-desk', owner: ORDER.owner });
    expect(members()).toHaveLength(1);
    const [vm] = [...fake.vms.values()].filter(
      v => v.metadata.labels['desktopmania.io/workspace'] === 'linux-desk',
    );
    expect(vm.metadata.name).toMatch(/^warm-/);
    expect(vm.spec.runStrategy).toBe('RerunOnFailure');
    expect(vm.metadata.labels['backstage.io/kubernetes-id']).toBe('linux-desk');
    expect(vm.spec.template.metadata.labels['desktopmania.io/warm-pool']).toBe(
      undefined,
    );
    const secret = fake.secrets.get(`${vm.metadata.name}-cloudinit`);
    expect(secret.metadata.ownerReferences[0].uid).toBe(vm.metadata.uid);
    expect(Buffer.from(secret.data.userdata, 'base64').toString()).toContain(
      'name: "alice"',
    );
    // No disk was cloned for the order: no VM named after it.
    expect(fake.vms.has('linux-desk')).toBe(false);
    expect(claims).toEqual(['rke2-test']);

    const listed = await provider.list('rke2-test');
    expect(listed.map(w => w.name)).toEqual(['linux-desk']);
    await expect(
      provider.get({ name: 'linux-desk', cluster: 'rke2-test' }),
    ).resolves.toMatchObject({
      name: 'linux-desk',
      status: { phase: 'Running' },
    });

    await refill();
    expect(members()).toHaveLength(2);
    expect((await provider.list('rke2-test')).map(w => w.name)).toEqual([
      'linux-desk',
    ]);
    expect(metrics.render()).toContain(
      'desktopmania_warm_pool_claims_total{cluster="rke2-test",image="ubuntu-desktop",size="medium"} 1',
    );

    await provider.delete({ name: 'linux-desk', cluster: 'rke2-test' });
    expect(fake.vms.has(vm.metadata.name)).toBe(false);
  });

  it("lists the cluster's VMs twice per claimed order: the pool's members and the ordered name", async () => {
    await refill();
    const provider = replica();
    const requests = countRequests(server);

    await provider.create(ORDER);
    requests.stop();

    // Label selectors cannot OR two keys, and a claimed namesake keeps its
    // member's name, so neither listing can be a GET or share the other's.
    const VMS = '/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines';
    expect(
      requests.seen.map(r => r.replace(/\/warm-[0-9a-f]+/, '/warm-…')),
    ).toEqual([
      `GET ${VMS}?labelSelector=app.kubernetes.io/managed-by=desktop-mania,desktopmania.io/warm-pool=ubuntu-desktop.medium`,
      `GET ${VMS}?labelSelector=desktopmania.io/workspace=linux-desk`,
      `PATCH ${VMS}/warm-…`,
      'POST /api/v1/namespaces/workspaces/secrets',
      `PATCH ${VMS}/warm-…`,
    ]);
  });

  it('lets only one of two replicas claim the same member', async () => {
    await refill();
    // Both replicas saw the same two members and, with the same draw, try the
    // same one first.
    const random = jest.spyOn(Math, 'random').mockReturnValue(0);
    const [a, b] = await Promise.all([
      replica().create(ORDER),
      replica().create(spec('linux', 'bob-desk')),
    ]);
    expect([a.name, b.name].sort()).toEqual(['bob-desk', 'linux-desk']);
    const owners = [...fake.vms.values()].map(
      v => v.metadata.labels['desktopmania.io/workspace'],
    );
    expect(owners.sort()).toEqual(['bob-desk', 'linux-desk']);
    expect(members()).toHaveLength(0);
    // The loser's patch was refused, and it went on to the next member.
    expect(fake.writes.filter(w => w.startsWith('409 vm'))).toHaveLength(1);
    random.mockRestore();
  });

  it('answers a patch pinned to a stale resourceVersion with 409 Conflict', async () => {
    await refill();
    const [member] = members();
    const api = new KubeVirtApi(cluster);
    const stale = member.metadata.resourceVersion;
    await api.mergePatchVirtualMachine(member.metadata.name, {
      metadata: { resourceVersion: stale, labels: { x: 'y' } },
    });
    const refusal = await api
      .mergePatchVirtualMachine(member.metadata.name, {
        metadata: { resourceVersion: stale, labels: { x: 'z' } },
      })
      .catch(e => e);
    expect(refusal).toBeInstanceOf(KubeApiError);
    expect(refusal).toMatchObject({
      statusCode: 409,
      reason: 'Conflict',
      kind: 'virtualmachines',
      message: `Operation cannot be fulfilled on virtualmachines.kubevirt.io "${member.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
    });
  });

  it('clones as before when the pool is empty or still cloning', async () => {
    fake = new FakeKubeVirt({ cloneMs: () => 60_000, startMs: () => 0 });
    server.use(...fake.handlers());
    await refill();
    const made = await replica().create(ORDER);
    expect(made.name).toBe('linux-desk');
    expect(fake.vms.get('linux-desk').spec.runStrategy).toBe('RerunOnFailure');
    expect(members()).toHaveLength(2);
    expect(claims).toEqual([]);
    expect(metrics.render()).toContain(
      'desktopmania_warm_pool_misses_total{cluster="rke2-test",image="ubuntu-desktop",size="medium"} 1',
    );
  });

  it('leaves orders of another disk size to the usual path', async () => {
    await refill();
    const made = await replica().create({ ...ORDER, diskGi: 80 });
    expect(made.name).toBe('linux-desk');
    expect(fake.vms.has('linux-desk')).toBe(true);
    expect(members()).toHaveLength(2);
  });
});

describe('warmPool config', () => {
  const root = (warmPool: Array<Record<string, string | number>>) =>
    new ConfigReader({
      workspaces: {
        images: [
          {
            name: 'ubuntu-desktop',
            title: 'Ubuntu',
            os: 'linux',
            dataSource: { name: 'ubuntu-desktop' },
            minimum: { diskGi: 50 },
          },
        ],
        sizes: [{ name: 'medium', title: 'M', instancetype: 'u1.medium' }],
        kubevirt: {
          clusters: [
            {
              name: 'rke2',
              url: 'https://k8s.test:6443',
              serviceAccountToken: 't',
              os: ['linux'],
              warmPool,
            },
          ],
        },
      },
    });

  it('reads pools, sizing their disks like an order by default', () => {
    const [cluster] = readKubeVirtClusters(
      root([{ image: 'ubuntu-desktop', size: 'medium', count: 3 }]),
    );
    expect(cluster.warmPool).toEqual([
      expect.objectContaining({
        key: 'ubuntu-desktop.medium',
        count: 3,
        diskGi: 50,
        running: false,
      }),
    ]);
  });

  it.each([
    [
      { image: 'windows-11', size: 'medium', count: 1 },
      "Invalid config at 'workspaces.kubevirt.clusters[0].warmPool[0].image': 'windows-11' is not an image of workspaces.images with a dataSource",
    ],
    [
      { image: 'ubuntu-desktop', size: 'medium', count: -1 },
      "Invalid config at 'workspaces.kubevirt.clusters[0].warmPool[0].count': expected a whole number, got -1",
    ],
    [
      { image: 'ubuntu-desktop', size: 'huge', count: 1 },
      "Invalid config at 'workspaces.kubevirt.clusters[0].warmPool[0].size': 'huge' is not a size",
    ],
  ])('names the key of a mistake: %j', (entry, message) => {
    expect(() => readKubeVirtClusters(root([entry]))).toThrow(message);
  });
});
