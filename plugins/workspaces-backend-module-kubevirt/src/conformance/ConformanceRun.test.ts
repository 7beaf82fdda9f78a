import fs from 'fs';
import os from 'os';
import path from 'path';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KUBEVIRT_PROVIDER_RBAC_RULES } from '../rbac';
import { API } from '../__testUtils__/fixtures';
import { statusPayload } from '../__testUtils__/payloads';
import { RUN_LABEL } from './adminCluster';
import { ConformanceRun, PORTAL_ACCOUNT } from './ConformanceRun';
import { planConformance } from './settings';

const ADMIN_TOKEN = 'admin-token';
const PORTAL_TOKEN = 'portal-token';

interface Seen {
  method: string;
  path: string;
  auth: string | null;
  body?: any;
}

/**
 * Just enough of an API server with KubeVirt and CDI to set a run up and
 * tear it down: objects are kept by path, a namespace's deletion takes its
 * objects along, CDI finishes every import at once. What the suite does
 * against a real cluster is not simulated here; this checks the wiring.
 */
function fakeCluster() {
  const store = new Map<string, any>();
  const seen: Seen[] = [];
  const notFound = (pathname: string) =>
    HttpResponse.json(statusPayload(404, 'NotFound', `${pathname} not found`), {
      status: 404,
    });
  const server = setupServer(
    http.all(`${API}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const { pathname } = url;
      const text = request.method === 'GET' ? '' : await request.text();
      const body = text ? JSON.parse(text) : undefined;
      seen.push({
        method: request.method,
        path: `${pathname}${url.search}`,
        auth: request.headers.get('authorization'),
        body,
      });
      if (pathname === '/apis') {
        return HttpResponse.json({
          kind: 'APIGroupList',
          groups: [
            'kubevirt.io',
            'cdi.kubevirt.io',
            'instancetype.kubevirt.io',
          ].map(name => ({
            name,
            versions: [{ groupVersion: `${name}/v1beta1`, version: 'v1beta1' }],
            preferredVersion: {
              groupVersion: `${name}/v1beta1`,
              version: 'v1beta1',
            },
          })),
        });
      }
      if (pathname === '/version')
        return HttpResponse.json({ gitVersion: 'v1.33.1+rke2r1' });
      if (pathname === '/apis/subresources.kubevirt.io/v1/version') {
        return HttpResponse.json({ gitVersion: 'v1.7.0' });
      }
      if (pathname === '/apis/cdi.kubevirt.io/v1beta1/cdis') {
        return HttpResponse.json({
          items: [{ status: { observedVersion: 'v1.62.0' } }],
        });
      }
      if (pathname === '/apis/storage.k8s.io/v1/storageclasses') {
        return HttpResponse.json({
          items: [
            {
              metadata: {
                name: 'longhorn-desktop',
                annotations: {
                  'storageclass.kubernetes.io/is-default-class': 'true',
                },
              },
              provisioner: 'driver.longhorn.io',
            },
          ],
        });
      }
      if (pathname.endsWith('/token')) {
        return HttpResponse.json(
          { ...body, status: { token: PORTAL_TOKEN, expirationTimestamp: '' } },
          { status: 201 },
        );
      }
      if (request.method === 'POST') {
        const name = body.metadata.name;
        const object = {
          ...body,
          metadata: { ...body.metadata, uid: `uid-${name}` },
        };
        if (pathname.endsWith('/datavolumes')) {
          object.status = { phase: 'Succeeded', progress: '100.0%' };
          const ns = pathname.split('/')[5];
          store.set(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${name}`, {
            metadata: { name, namespace: ns },
            spec: { resources: { requests: { storage: '2Gi' } } },
            status: { phase: 'Bound', capacity: { storage: '2Gi' } },
          });
        }
        if (pathname.endsWith('/datasources')) {
          object.status = { conditions: [{ type: 'Ready', status: 'True' }] };
        }
        store.set(`${pathname}/${name}`, object);
        return HttpResponse.json(object, { status: 201 });
      }
      if (request.method === 'DELETE') {
        if (!store.has(pathname)) return notFound(pathname);
        for (const key of [...store.keys()]) {
          if (key === pathname || key.startsWith(`${pathname}/`))
            store.delete(key);
          // A namespace takes what is in it along.
          const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(pathname)?.[1];
          if (ns && key.includes(`/namespaces/${ns}/`)) store.delete(key);
        }
        return HttpResponse.json(statusPayload(200, '', ''));
      }
      if (request.method === 'GET') {
        const found = store.get(pathname);
        if (found) return HttpResponse.json(found);
        const items = [...store.entries()]
          .filter(
            ([key]) =>
              key.startsWith(`${pathname}/`) &&
              !key.slice(pathname.length + 1).includes('/'),
          )
          .map(([, value]) => value);
        if (items.length > 0 || url.searchParams.has('labelSelector')) {
          return HttpResponse.json({ items });
        }
        return notFound(pathname);
      }
      return HttpResponse.json(statusPayload(405, 'MethodNotAllowed', ''), {
        status: 405,
      });
    }),
  );
  return { server, store, seen };
}

function writeKubeconfig() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'lab',
          cluster: { server: API, 'insecure-skip-tls-verify': true },
        },
      ],
      users: [{ name: 'admin', user: { token: ADMIN_TOKEN } }],
      contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'admin' } }],
      'current-context': 'lab',
    }),
  );
  return { dir, file };
}

describe('ConformanceRun', () => {
  const { server, store, seen } = fakeCluster();
  registerMswTestHooks(server);
  let kubeconfig: { dir: string; file: string };
  beforeAll(() => {
    kubeconfig = writeKubeconfig();
  });
  afterAll(() => fs.rmSync(kubeconfig.dir, { recursive: true, force: true }));
  const info = jest.spyOn(console, 'info').mockImplementation(() => {});
  afterEach(() => info.mockClear());

  function newRun(env: Record<string, string> = {}) {
    const plan = planConformance({
      CONFORMANCE_KUBECONFIG: kubeconfig.file,
      ...env,
    });
    if (!plan.run) throw new Error(plan.reason);
    return new ConformanceRun(plan.settings);
  }

  it('sets up a namespace, a portal service account with exactly the provider rules, and a tiny image; then removes it all', async () => {
    seen.length = 0;
    const run = newRun();
    await run.setUp();
    const ns = run.namespace;
    expect(ns).toMatch(/^dm-conformance-[0-9a-f]{6}$/);

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
    seen.length = 0;
    await expect(run.provider.list('conformance')).resolves.toEqual([]);
    expect(seen.filter(s => s.path.includes('/virtualmachines'))).toEqual([
      expect.objectContaining({
        path: `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines?labelSelector=app.kubernetes.io%2Fmanaged-by%3Ddesktop-mania`,
        auth: `Bearer ${PORTAL_TOKEN}`,
      }),
    ]);

    await run.tearDown(10_000);
    expect([...store.keys()]).toEqual([]);
  });

  it('clones an existing DataSource with a Role there, removed afterwards', async () => {
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
    store.clear();
  });

  it('says which objects it could not remove', async () => {
    const run = newRun();
    await run.setUp();
    server.use(
      http.delete(`${API}/apis/instancetype.kubevirt.io/*`, () =>
        HttpResponse.json(statusPayload(403, 'Forbidden', 'no'), {
          status: 403,
        }),
      ),
    );
    await expect(run.tearDown(10_000)).rejects.toThrow(
      new RegExp(
        `^Could not remove everything the conformance run made; remove by hand \\(all labelled ${RUN_LABEL}=${run.namespace}\\):\\nVirtualMachineClusterPreference `,
      ),
    );
    store.clear();
  });
});
