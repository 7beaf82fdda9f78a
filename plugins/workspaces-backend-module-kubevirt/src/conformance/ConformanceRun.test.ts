import fs from 'fs';
import os from 'os';
import path from 'path';
import { KUBEVIRT_PROVIDER_RBAC_RULES } from '../rbac';
import { startSimulatedCluster } from './__testUtils__/simulatedCluster';
import { RUN_LABEL } from './adminCluster';
import { ConformanceRun, PORTAL_ACCOUNT } from './ConformanceRun';
import { planConformance } from './settings';

describe('ConformanceRun', () => {
  let cluster: Awaited<ReturnType<typeof startSimulatedCluster>>;
  let dir: string;
  beforeAll(async () => {
    cluster = await startSimulatedCluster();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
    cluster.writeKubeconfig(path.join(dir, 'kubeconfig'));
  });
  afterAll(async () => {
    await cluster.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    cluster.refuse();
    cluster.store.clear();
  });
  const info = jest.spyOn(console, 'info').mockImplementation(() => {});
  afterEach(() => info.mockClear());

  function newRun(env: Record<string, string> = {}) {
    const plan = planConformance({
      CONFORMANCE_KUBECONFIG: path.join(dir, 'kubeconfig'),
      ...env,
    });
    if (!plan.run) throw new Error(plan.reason);
    return new ConformanceRun(plan.settings);
  }

  it('sets up a namespace, a portal service account with exactly the provider rules, and a tiny image; then removes it all', async () => {
    const run = newRun();
    await run.setUp();
    const ns = run.namespace;
    expect(ns).toMatch(/^dm-conformance-[0-9a-f]{6}$/);

    const { store, requests } = cluster;
    const role = store.get(
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/${PORTAL_ACCOUNT}`,
    );
    expect(role.rules).toEqual(KUBEVIRT_PROVIDER_RBAC_RULES);
    expect(
      store.get(
        `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/${PORTAL_ACCOUNT}`,
      ).subjects,
    ).toEqual([
      { kind: 'ServiceAccount', name: PORTAL_ACCOUNT, namespace: ns },
    ]);
    // The VMs' own account may clone the image, as in the cluster guide.
    expect(
      store.get(
        `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/image-cloner`,
      ).subjects,
    ).toEqual([{ kind: 'ServiceAccount', name: 'default', namespace: ns }]);
    expect(
      store.get(
        `/apis/cdi.kubevirt.io/v1beta1/namespaces/${ns}/datavolumes/tiny-image`,
      ).spec,
    ).toEqual({
      source: {
        http: {
          url: 'https://download.cirros-cloud.net/0.6.2/cirros-0.6.2-x86_64-disk.img',
        },
      },
      storage: {
        storageClassName: 'longhorn-desktop',
        resources: { requests: { storage: '2Gi' } },
      },
    });
    expect(
      store.get(
        `/apis/instancetype.kubevirt.io/v1beta1/virtualmachineclusterpreferences/${ns}-needs-2-vcpus`,
      ),
    ).toMatchObject({
      metadata: { labels: { [RUN_LABEL]: ns } },
      spec: { requirements: { cpu: { guest: 2 } } },
    });
    expect(run.source).toEqual({
      namespace: ns,
      name: 'tiny-image',
      requestBytes: 2 * 1024 ** 3,
      capacityBytes: 2 * 1024 ** 3,
    });
    expect(run.fittingDiskGi).toBe(2);
    expect(info).toHaveBeenCalledWith(
      expect.stringContaining('KubeVirt v1.7.0, CDI v1.62.0'),
    );

    // The provider acts as the portal's account, never as the admin.
    requests.length = 0;
    await expect(run.provider.list('conformance')).resolves.toEqual([]);
    expect(requests.filter(r => r.path.includes('/virtualmachines'))).toEqual([
      {
        method: 'GET',
        path: `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines?labelSelector=app.kubernetes.io%2Fmanaged-by%3Ddesktop-mania`,
        as: `${ns}/${PORTAL_ACCOUNT}`,
      },
    ]);

    await run.tearDown(10_000);
    expect([...store.keys()]).toEqual([]);
  });

  it('clones an existing DataSource with a Role there, removed afterwards', async () => {
    const { store } = cluster;
    store.set(
      '/apis/cdi.kubevirt.io/v1beta1/namespaces/desktop-images/datasources/ubuntu-desktop',
      {
        metadata: { name: 'ubuntu-desktop' },
        spec: {
          source: {
            pvc: { name: 'ubuntu-golden', namespace: 'desktop-images' },
          },
        },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
    );
    store.set(
      '/api/v1/namespaces/desktop-images/persistentvolumeclaims/ubuntu-golden',
      {
        metadata: { name: 'ubuntu-golden' },
        spec: { resources: { requests: { storage: '20Gi' } } },
        status: { capacity: { storage: '21Gi' } },
      },
    );
    const run = newRun({
      CONFORMANCE_DATASOURCE: 'desktop-images/ubuntu-desktop',
    });
    await run.setUp();
    const cloner = `/apis/rbac.authorization.k8s.io/v1/namespaces/desktop-images/rolebindings/${run.namespace}-cloner`;
    expect(store.get(cloner).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'default', namespace: run.namespace },
    ]);
    expect(run.fittingDiskGi).toBe(21);
    expect(run.spec('d').image.dataSource).toEqual({
      name: 'ubuntu-desktop',
      namespace: 'desktop-images',
    });
    await run.tearDown(10_000);
    expect(store.has(cloner)).toBe(false);
    expect([...store.keys()].filter(k => k.includes('dm-conformance'))).toEqual(
      [],
    );
  });

  it('says which objects it could not remove', async () => {
    const run = newRun();
    await run.setUp();
    cluster.refuse(
      (method, pathname) =>
        method === 'DELETE' &&
        pathname.startsWith('/apis/instancetype.kubevirt.io/'),
    );
    await expect(run.tearDown(10_000)).rejects.toThrow(
      new RegExp(
        `^Could not remove everything the conformance run made; remove by hand \\(all labelled ${RUN_LABEL}=${run.namespace}\\):\\nVirtualMachineClusterPreference `,
      ),
    );
  });
});
