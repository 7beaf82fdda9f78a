import { mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
import { API, spec, testCluster } from './__testUtils__/fixtures';
import { statusPayload, vmiPayload, vmPayload } from './__testUtils__/payloads';

const server = setupServer();
registerMswTestHooks(server);

const NS = `${API}/apis/kubevirt.io/v1/namespaces/workspaces`;
const SECRETS = `${API}/api/v1/namespaces/workspaces/secrets`;
const SUB = `${API}/apis/subresources.kubevirt.io/v1/namespaces/workspaces`;
const ref = { name: 'linux-desk', cluster: 'rke2-test' };

type Seen = { method: string; url: string; auth: string | null; type: string | null; body?: any };

function record(seen: Seen[]) {
  return async ({ request }: { request: Request }) => {
    const text = await request.clone().text();
    seen.push({
      method: request.method,
      url: request.url.replace(API, ''),
      auth: request.headers.get('authorization'),
      type: request.headers.get('content-type'),
      body: text ? JSON.parse(text) : undefined,
    });
  };
}

function provider(timeoutMs = 2000) {
  return new KubeVirtWorkspaceProvider([testCluster({ timeoutMs })], mockServices.logger.mock());
}

describe('KubeVirtWorkspaceProvider', () => {
  it('creates the first-boot Secret, then the VM, then hands the Secret to the VM', async () => {
    const seen: Seen[] = [];
    const log = record(seen);
    server.use(
      http.post(SECRETS, async ({ request }) => {
        await log({ request });
        return HttpResponse.json(await request.json(), { status: 201 });
      }),
      http.post(`${NS}/virtualmachines`, async ({ request }) => {
        await log({ request });
        const body: any = await request.json();
        return HttpResponse.json({ ...body, metadata: { ...body.metadata, uid: 'vm-uid-1' }, status: { printableStatus: 'Provisioning' } }, { status: 201 });
      }),
      http.patch(`${SECRETS}/:name`, async ({ request }) => {
        await log({ request });
        return HttpResponse.json({});
      }),
    );
    const created = await provider().create(spec('linux'));
    expect(created).toEqual({
      name: 'linux-desk',
      cluster: 'rke2-test',
      namespace: 'workspaces',
      owner: 'group:default/team-a',
      status: { phase: 'Provisioning', ready: false, message: 'Provisioning' },
    });
    expect(seen.map(s => [s.method, s.url, s.auth])).toEqual([
      ['POST', '/api/v1/namespaces/workspaces/secrets', 'Bearer sa-token'],
      ['POST', '/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines', 'Bearer sa-token'],
      ['PATCH', '/api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit', 'Bearer sa-token'],
    ]);
    const [secret, vm, patch] = seen.map(s => s.body);
    expect(secret.stringData.userdata).toMatch(/^#cloud-config\nusers:\n {2}- name: alice/);
    expect(vm.spec).toMatchObject({
      runStrategy: 'Always',
      instancetype: { kind: 'VirtualMachineClusterInstancetype', name: 'u1.medium' },
      preference: { kind: 'VirtualMachineClusterPreference', name: 'ubuntu' },
      dataVolumeTemplates: [
        {
          metadata: { name: 'linux-desk-root' },
          spec: {
            sourceRef: { kind: 'DataSource', name: 'ubuntu-desktop', namespace: 'desktop-images' },
            storage: { storageClassName: 'longhorn-desktop', resources: { requests: { storage: '60Gi' } } },
          },
        },
      ],
    });
    expect(vm.metadata.labels).toMatchObject({ 'backstage.io/kubernetes-id': 'linux-desk', 'app.kubernetes.io/managed-by': 'desktop-mania' });
    expect(vm.metadata.annotations).toMatchObject({ 'desktopmania.io/owner': 'group:default/team-a', 'vm.kubevirt.io/os': 'linux' });
    expect(seen[2].type).toBe('application/merge-patch+json');
    expect(patch.metadata.ownerReferences).toEqual([{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: 'linux-desk', uid: 'vm-uid-1' }]);
  });

  it('uses sysprep with an answer file for Windows', async () => {
    const secrets: any[] = [];
    server.use(
      http.post(SECRETS, async ({ request }) => {
        secrets.push(await request.json());
        return HttpResponse.json({}, { status: 201 });
      }),
      http.post(`${NS}/virtualmachines`, async ({ request }) => HttpResponse.json({ ...(await request.json() as any), status: {} }, { status: 201 })),
      http.patch(`${SECRETS}/:name`, () => HttpResponse.json({})),
    );
    await provider().create(spec('windows'));
    expect(secrets[0].metadata.name).toBe('windows-desk-sysprep');
    expect(secrets[0].stringData['unattend.xml']).toMatch(/<Name>alice<\/Name>/);
  });

  it('answers a taken name with a conflict and removes the Secret it made', async () => {
    const deleted: string[] = [];
    server.use(
      http.post(SECRETS, () => HttpResponse.json({}, { status: 201 })),
      http.post(`${NS}/virtualmachines`, () =>
        HttpResponse.json(statusPayload(409, 'AlreadyExists', 'virtualmachines.kubevirt.io "linux-desk" already exists'), { status: 409 }),
      ),
      http.delete(`${SECRETS}/:name`, ({ params }) => {
        deleted.push(params.name as string);
        return HttpResponse.json({});
      }),
    );
    await expect(provider().create(spec('linux'))).rejects.toMatchObject({ name: 'ConflictError' });
    expect(deleted).toEqual(['linux-desk-cloudinit']);
  });

  it('reports a missing permission as the service account lacking RBAC', async () => {
    server.use(
      http.post(SECRETS, () =>
        HttpResponse.json(statusPayload(403, 'Forbidden', 'secrets is forbidden: User "system:serviceaccount:x" cannot create'), { status: 403 }),
      ),
    );
    await expect(provider().create(spec('linux'))).rejects.toThrow(/may not do this on cluster 'rke2-test'.*check its RBAC/);
  });

  it('reports an unreachable or slow cluster as unavailable', async () => {
    server.use(http.get(`${NS}/virtualmachines`, () => HttpResponse.error()));
    await expect(provider().list('rke2-test')).rejects.toMatchObject({ name: 'ServiceUnavailableError', message: expect.stringMatching(/could not be reached/) });
    server.use(
      http.get(`${NS}/virtualmachines`, async () => {
        await delay(1000);
        return HttpResponse.json({ items: [] });
      }),
      http.get(`${NS}/virtualmachineinstances`, () => HttpResponse.json({ items: [] })),
    );
    await expect(provider(100).list('rke2-test')).rejects.toThrow(/no answer within 100 ms/);
  });

  it('lists its own VMs joined with their instances', async () => {
    const selectors: string[] = [];
    server.use(
      http.get(`${NS}/virtualmachines`, ({ request }) => {
        selectors.push(new URL(request.url).searchParams.get('labelSelector')!);
        return HttpResponse.json({ kind: 'VirtualMachineList', items: [vmPayload('a', 'Running'), vmPayload('b', 'Stopped')] });
      }),
      http.get(`${NS}/virtualmachineinstances`, ({ request }) => {
        selectors.push(new URL(request.url).searchParams.get('labelSelector')!);
        return HttpResponse.json({ kind: 'VirtualMachineInstanceList', items: [vmiPayload('a', 'worker-2', '10.42.1.7')] });
      }),
    );
    const listed = await provider().list('rke2-test');
    expect(selectors).toEqual(['app.kubernetes.io/managed-by=desktop-mania', 'app.kubernetes.io/managed-by=desktop-mania']);
    expect(listed.map(w => [w.name, w.status])).toEqual([
      ['a', { phase: 'Running', ready: true, message: 'Running', ip: '10.42.1.7', node: 'worker-2' }],
      ['b', { phase: 'Stopped', ready: false, message: 'Stopped' }],
    ]);
    expect(listed[0].owner).toBe('user:default/alice');
  });

  it('gets one desktop, and nothing for an unknown one', async () => {
    server.use(
      http.get(`${NS}/virtualmachines/linux-desk`, () => HttpResponse.json(vmPayload('linux-desk', 'ErrorUnschedulable', { conditions: [{ type: 'Ready', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }] as any }))),
      http.get(`${NS}/virtualmachineinstances/linux-desk`, () => HttpResponse.json(statusPayload(404, 'NotFound', 'not found'), { status: 404 })),
      http.get(`${NS}/virtualmachines/ghost`, () => HttpResponse.json(statusPayload(404, 'NotFound', 'not found'), { status: 404 })),
      http.get(`${NS}/virtualmachineinstances/ghost`, () => HttpResponse.json(statusPayload(404, 'NotFound', 'not found'), { status: 404 })),
    );
    expect((await provider().get(ref))!.status).toEqual({
      phase: 'Failed',
      ready: false,
      message: 'ErrorUnschedulable: 0/3 nodes are available: 3 Insufficient memory.',
    });
    expect(await provider().get({ name: 'ghost', cluster: 'rke2-test' })).toBeUndefined();
  });

  it.each(['start', 'stop', 'restart'] as const)('%ss through the subresource API', async action => {
    const seen: Seen[] = [];
    server.use(
      http.put(`${SUB}/virtualmachines/linux-desk/${action}`, async ({ request }) => {
        await record(seen)({ request });
        return new HttpResponse(null, { status: 202 });
      }),
    );
    await provider()[action](ref);
    expect(seen.map(s => [s.method, s.url, s.auth])).toEqual([
      ['PUT', `/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk/${action}`, 'Bearer sa-token'],
    ]);
  });

  it('passes on a refused state change as a conflict', async () => {
    server.use(
      http.put(`${SUB}/virtualmachines/linux-desk/start`, () =>
        HttpResponse.json(statusPayload(409, 'Conflict', 'Halted does not support manual start requests'), { status: 409 }),
      ),
    );
    await expect(provider().start(ref)).rejects.toMatchObject({ name: 'ConflictError', message: expect.stringMatching(/does not support manual start/) });
  });

  it('deletes the VM in the foreground, taking its disk and Secret along', async () => {
    const seen: Seen[] = [];
    server.use(
      http.delete(`${NS}/virtualmachines/linux-desk`, async ({ request }) => {
        await record(seen)({ request });
        return HttpResponse.json(vmPayload('linux-desk', 'Terminating'));
      }),
    );
    await provider().delete(ref);
    expect(seen.map(s => [s.method, s.url])).toEqual([
      ['DELETE', '/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk?propagationPolicy=Foreground'],
    ]);
    server.use(http.delete(`${NS}/virtualmachines/linux-desk`, () => HttpResponse.json(statusPayload(404, 'NotFound', 'gone'), { status: 404 })));
    await expect(provider().delete(ref)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses Windows on a cluster that runs only Linux, before any call', async () => {
    const p = new KubeVirtWorkspaceProvider([testCluster({ os: ['linux'] })], mockServices.logger.mock());
    await expect(p.create(spec('windows'))).rejects.toMatchObject({ name: 'InputError' });
  });
});
