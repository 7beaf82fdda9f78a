import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import yaml from 'yaml';
import { buildVirtualMachine } from './buildVirtualMachine';
import { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
import { API, spec, testCluster } from './__testUtils__/fixtures';
import { statusPayload, vmiPayload, vmPayload } from './__testUtils__/payloads';

// msw answers as an API server with KubeVirt installed.
const server = setupServer();
registerMswTestHooks(server);

const NS = `${API}/apis/kubevirt.io/v1/namespaces/workspaces`;
const SECRETS = `${API}/api/v1/namespaces/workspaces/secrets`;
const SUB = `${API}/apis/subresources.kubevirt.io/v1/namespaces/workspaces`;
const ref = { name: 'linux-desk', cluster: 'rke2-test' };

interface Seen {
  method: string;
  url: string;
  auth: string | null;
  type: string | null;
  body?: any;
}

/** Records each request, then answers with `answer`. */
function recorder() {
  const seen: Seen[] = [];
  const handle =
    (answer: (body: any) => Response | Promise<Response>) =>
    async ({ request }: { request: Request }) => {
      const text = await request.text();
      const body = text ? JSON.parse(text) : undefined;
      seen.push({
        method: request.method,
        url: request.url.replace(API, ''),
        auth: request.headers.get('authorization'),
        type: request.headers.get('content-type'),
        body,
      });
      return answer(body);
    };
  return { seen, handle };
}

const kubeError = (code: number, reason: string, message: string) =>
  HttpResponse.json(statusPayload(code, reason, message), { status: code });

function provider(overrides: Parameters<typeof testCluster>[0] = {}) {
  const logger = mockServices.logger.mock();
  return {
    provider: new KubeVirtWorkspaceProvider([testCluster(overrides)], logger),
    logger,
  };
}

describe('KubeVirtWorkspaceProvider', () => {
  describe('create', () => {
    it('creates the first-boot Secret, then the VM, then hands the Secret to the VM', async () => {
      const { seen, handle } = recorder();
      server.use(
        http.post(
          SECRETS,
          handle(body =>
            HttpResponse.json(
              { ...body, metadata: { ...body.metadata, uid: 'secret-uid' } },
              { status: 201 },
            ),
          ),
        ),
        http.post(
          `${NS}/virtualmachines`,
          handle(body =>
            HttpResponse.json(
              {
                ...body,
                metadata: { ...body.metadata, uid: 'vm-uid-1', generation: 1 },
                status: {},
              },
              { status: 201 },
            ),
          ),
        ),
        http.patch(
          `${SECRETS}/:name`,
          handle(() =>
            HttpResponse.json({
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name: 'linux-desk-cloudinit' },
            }),
          ),
        ),
      );
      const created = await provider().provider.create(spec('linux'));

      expect(created).toEqual({
        name: 'linux-desk',
        cluster: 'rke2-test',
        namespace: 'workspaces',
        owner: 'group:default/team-a',
        status: {
          phase: 'Provisioning',
          ready: false,
          message: 'Provisioning',
        },
      });
      expect(seen.map(s => [s.method, s.url, s.auth, s.type])).toEqual([
        [
          'POST',
          '/api/v1/namespaces/workspaces/secrets',
          'Bearer sa-token',
          'application/json',
        ],
        [
          'POST',
          '/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines',
          'Bearer sa-token',
          'application/json',
        ],
        [
          'PATCH',
          '/api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit',
          'Bearer sa-token',
          'application/merge-patch+json',
        ],
      ]);
      const [secret, vm, patch] = seen.map(s => s.body);
      const labels = {
        'app.kubernetes.io/managed-by': 'desktop-mania',
        'app.kubernetes.io/component': 'desktop',
        'desktopmania.io/workspace': 'linux-desk',
        'backstage.io/kubernetes-id': 'linux-desk',
      };
      expect(secret).toEqual({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'linux-desk-cloudinit',
          namespace: 'workspaces',
          labels,
        },
        type: 'Opaque',
        stringData: { userdata: expect.any(String) },
      });
      const password = yaml.parse(secret.stringData.userdata).users[0]
        .plain_text_passwd;
      expect(yaml.parse(secret.stringData.userdata).users[0].name).toBe(
        'alice',
      );
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(vm).toEqual(buildVirtualMachine(spec('linux'), testCluster()));
      expect(vm.spec.runStrategy).toBe('Always');
      expect(patch).toEqual({
        metadata: {
          ownerReferences: [
            {
              apiVersion: 'kubevirt.io/v1',
              kind: 'VirtualMachine',
              name: 'linux-desk',
              uid: 'vm-uid-1',
              blockOwnerDeletion: false,
            },
          ],
        },
      });
      // The password is in the Secret and nowhere else.
      expect(JSON.stringify([vm, patch, created])).not.toContain(password);
    });

    it('uses an answer file through sysprep for Windows', async () => {
      const { seen, handle } = recorder();
      server.use(
        http.post(
          SECRETS,
          handle(body => HttpResponse.json(body, { status: 201 })),
        ),
        http.post(
          `${NS}/virtualmachines`,
          handle(body =>
            HttpResponse.json(
              { ...body, metadata: { ...body.metadata, uid: 'u' } },
              { status: 201 },
            ),
          ),
        ),
        http.patch(
          `${SECRETS}/:name`,
          handle(() => HttpResponse.json({})),
        ),
      );
      await provider().provider.create(spec('windows'));
      expect(seen.map(s => s.url)).toEqual([
        '/api/v1/namespaces/workspaces/secrets',
        '/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines',
        '/api/v1/namespaces/workspaces/secrets/windows-desk-sysprep',
      ]);
      expect(Object.keys(seen[0].body.stringData).sort()).toEqual([
        'autounattend.xml',
        'unattend.xml',
      ]);
      expect(seen[0].body.stringData['autounattend.xml']).toContain(
        '<Name>alice</Name>',
      );
      expect(seen[1].body).toEqual(
        buildVirtualMachine(spec('windows'), testCluster()),
      );
    });

    it('answers a taken VM name with a conflict and removes the Secret it made', async () => {
      const { seen, handle } = recorder();
      server.use(
        http.post(
          SECRETS,
          handle(body => HttpResponse.json(body, { status: 201 })),
        ),
        http.post(
          `${NS}/virtualmachines`,
          handle(() =>
            kubeError(
              409,
              'AlreadyExists',
              'virtualmachines.kubevirt.io "linux-desk" already exists',
            ),
          ),
        ),
        http.delete(
          `${SECRETS}/:name`,
          handle(() => HttpResponse.json(statusPayload(200, '', ''))),
        ),
      );
      await expect(
        provider().provider.create(spec('linux')),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message:
          "A desktop named 'linux-desk' already exists on cluster 'rke2-test'",
      });
      expect(seen.map(s => `${s.method} ${s.url}`)).toEqual([
        'POST /api/v1/namespaces/workspaces/secrets',
        'POST /apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines',
        'DELETE /api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit',
      ]);
    });

    it('answers a taken Secret name with a conflict and touches nothing', async () => {
      const { seen, handle } = recorder();
      server.use(
        http.post(
          SECRETS,
          handle(() =>
            kubeError(
              409,
              'AlreadyExists',
              'secrets "linux-desk-cloudinit" already exists',
            ),
          ),
        ),
      );
      await expect(
        provider().provider.create(spec('linux')),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining("'linux-desk' already exists"),
      });
      expect(seen).toHaveLength(1);
    });

    it('explains a missing permission as the service account lacking RBAC', async () => {
      server.use(
        http.post(SECRETS, () =>
          kubeError(
            403,
            'Forbidden',
            'secrets is forbidden: User "system:serviceaccount:backstage:backstage" cannot create resource "secrets" in API group "" in the namespace "workspaces"',
          ),
        ),
      );
      await expect(
        provider().provider.create(spec('linux')),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringMatching(
          /^The portal's service account may not create secrets in namespace 'workspaces' on cluster 'rke2-test'; grant it the rules in the README \(KUBEVIRT_PROVIDER_RBAC_RULES\)\. The API server said: secrets is forbidden/,
        ),
      });
    });

    it('reports a missing namespace as a cluster that cannot hold desktops', async () => {
      server.use(
        http.post(SECRETS, () =>
          kubeError(404, 'NotFound', 'namespaces "workspaces" not found'),
        ),
      );
      await expect(
        provider().provider.create(spec('linux')),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(
          "namespace 'workspaces' or the KubeVirt API is missing",
        ),
      });
    });

    it('passes on an admission refusal of the VM as bad input, removing the Secret', async () => {
      const deleted: string[] = [];
      server.use(
        http.post(SECRETS, async ({ request }) =>
          HttpResponse.json(await request.json(), { status: 201 }),
        ),
        http.post(`${NS}/virtualmachines`, () =>
          kubeError(
            422,
            'Invalid',
            'admission webhook "virtualmachine-validator.kubevirt.io" denied the request: Failure to find instancetype: virtualmachineclusterinstancetypes.instancetype.kubevirt.io "u1.medium" not found',
          ),
        ),
        http.delete(`${SECRETS}/:name`, ({ params }) => {
          deleted.push(params.name as string);
          return HttpResponse.json({});
        }),
      );
      await expect(
        provider().provider.create(spec('linux')),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('Failure to find instancetype'),
      });
      expect(deleted).toEqual(['linux-desk-cloudinit']);
    });

    it('leaves nothing behind when the cluster times out halfway', async () => {
      const { seen, handle } = recorder();
      server.use(
        http.post(
          SECRETS,
          handle(body => HttpResponse.json(body, { status: 201 })),
        ),
        http.post(`${NS}/virtualmachines`, async () => {
          await delay(1000);
          return HttpResponse.json({}, { status: 201 });
        }),
        http.delete(
          `${SECRETS}/:name`,
          handle(() => HttpResponse.json({})),
        ),
      );
      await expect(
        provider({ timeoutMs: 150 }).provider.create(spec('linux')),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: "Cluster 'rke2-test' did not answer within 150 ms",
      });
      expect(seen.map(s => `${s.method} ${s.url}`)).toEqual([
        'POST /api/v1/namespaces/workspaces/secrets',
        'DELETE /api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit',
      ]);
    });

    it('removes a Secret whose create timed out, in case it happened', async () => {
      const deleted: string[] = [];
      server.use(
        http.post(SECRETS, async () => {
          await delay(1000);
          return HttpResponse.json({}, { status: 201 });
        }),
        http.delete(`${SECRETS}/:name`, ({ params }) => {
          deleted.push(params.name as string);
          return kubeError(
            404,
            'NotFound',
            'secrets "linux-desk-cloudinit" not found',
          );
        }),
      );
      const { provider: p, logger } = provider({ timeoutMs: 150 });
      await expect(p.create(spec('linux'))).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
      });
      expect(deleted).toEqual(['linux-desk-cloudinit']);
      // Not there is what cleaning up wants.
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('undoes the VM and the Secret when the Secret cannot be handed to the VM', async () => {
      const { seen, handle } = recorder();
      server.use(
        http.post(
          SECRETS,
          handle(body => HttpResponse.json(body, { status: 201 })),
        ),
        http.post(
          `${NS}/virtualmachines`,
          handle(body =>
            HttpResponse.json(
              { ...body, metadata: { ...body.metadata, uid: 'u' } },
              { status: 201 },
            ),
          ),
        ),
        http.patch(
          `${SECRETS}/:name`,
          handle(() =>
            kubeError(
              403,
              'Forbidden',
              'secrets "linux-desk-cloudinit" is forbidden: cannot patch resource "secrets"',
            ),
          ),
        ),
        http.delete(
          `${NS}/virtualmachines/:name`,
          handle(() =>
            HttpResponse.json(vmPayload('linux-desk', 'Terminating')),
          ),
        ),
        http.delete(
          `${SECRETS}/:name`,
          handle(() => HttpResponse.json({})),
        ),
      );
      await expect(
        provider().provider.create(spec('linux')),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('may not patch secrets'),
      });
      expect(seen.map(s => `${s.method} ${s.url}`)).toEqual([
        'POST /api/v1/namespaces/workspaces/secrets',
        'POST /apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines',
        'PATCH /api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit',
        'DELETE /apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk?propagationPolicy=Background',
        'DELETE /api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit',
      ]);
    });

    it('refuses Windows on a cluster that runs only Linux, before any call', async () => {
      await expect(
        provider({ os: ['linux'] }).provider.create(spec('windows')),
      ).rejects.toMatchObject({
        name: 'InputError',
        message:
          "Cluster 'rke2-test' does not run windows desktops (it runs linux)",
      });
    });

    it('refuses a cluster it does not know', async () => {
      await expect(
        provider().provider.create({ ...spec('linux'), cluster: 'elsewhere' }),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });
  });

  describe('list and get', () => {
    it('lists its own VMs joined with their instances', async () => {
      const selectors: string[] = [];
      server.use(
        http.get(`${NS}/virtualmachines`, ({ request }) => {
          selectors.push(
            new URL(request.url).searchParams.get('labelSelector')!,
          );
          return HttpResponse.json({
            apiVersion: 'kubevirt.io/v1',
            kind: 'VirtualMachineList',
            metadata: { resourceVersion: '48300' },
            items: [
              vmPayload('a', 'Running'),
              vmPayload('b', 'Stopped'),
              vmPayload('c', 'Starting'),
            ],
          });
        }),
        http.get(`${NS}/virtualmachineinstances`, ({ request }) => {
          selectors.push(
            new URL(request.url).searchParams.get('labelSelector')!,
          );
          return HttpResponse.json({
            apiVersion: 'kubevirt.io/v1',
            kind: 'VirtualMachineInstanceList',
            metadata: { resourceVersion: '48300' },
            items: [
              vmiPayload('a', 'worker-2', '10.42.1.7'),
              vmiPayload('c', 'worker-1', '10.42.0.3', 'Scheduled'),
            ],
          });
        }),
      );
      const listed = await provider().provider.list('rke2-test');
      expect(selectors).toEqual([
        'app.kubernetes.io/managed-by=desktop-mania',
        'app.kubernetes.io/managed-by=desktop-mania',
      ]);
      expect(listed).toEqual([
        {
          name: 'a',
          cluster: 'rke2-test',
          namespace: 'workspaces',
          owner: 'user:default/alice',
          status: {
            phase: 'Running',
            ready: true,
            message: 'Running',
            ip: '10.42.1.7',
            node: 'worker-2',
          },
        },
        {
          name: 'b',
          cluster: 'rke2-test',
          namespace: 'workspaces',
          owner: 'user:default/alice',
          status: { phase: 'Stopped', ready: false, message: 'Stopped' },
        },
        {
          name: 'c',
          cluster: 'rke2-test',
          namespace: 'workspaces',
          owner: 'user:default/alice',
          status: {
            phase: 'Starting',
            ready: false,
            message: 'Starting',
            ip: '10.42.0.3',
            node: 'worker-1',
          },
        },
      ]);
    });

    it('throws ServiceUnavailableError when the cluster cannot be reached', async () => {
      server.use(
        http.get(`${NS}/virtualmachines`, () => HttpResponse.error()),
        http.get(`${NS}/virtualmachineinstances`, () => HttpResponse.error()),
      );
      await expect(provider().provider.list('rke2-test')).rejects.toMatchObject(
        {
          name: 'ServiceUnavailableError',
          message: expect.stringMatching(
            /^Cluster 'rke2-test' could not be reached: /,
          ),
        },
      );
    });

    it('throws ServiceUnavailableError when the cluster does not answer in time', async () => {
      server.use(
        http.get(`${NS}/virtualmachines`, async () => {
          await delay(2000);
          return HttpResponse.json({ items: [] });
        }),
        http.get(`${NS}/virtualmachineinstances`, () =>
          HttpResponse.json({ items: [] }),
        ),
      );
      const started = Date.now();
      await expect(
        provider({ timeoutMs: 100 }).provider.list('rke2-test'),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: "Cluster 'rke2-test' did not answer within 100 ms",
      });
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('throws ServiceUnavailableError when the API server fails', async () => {
      server.use(
        http.get(`${NS}/virtualmachines`, () =>
          kubeError(
            503,
            'ServiceUnavailable',
            'the server is currently unable to handle the request (get virtualmachines.kubevirt.io)',
          ),
        ),
        http.get(`${NS}/virtualmachineinstances`, () =>
          HttpResponse.json({ items: [] }),
        ),
      );
      await expect(provider().provider.list('rke2-test')).rejects.toMatchObject(
        {
          name: 'ServiceUnavailableError',
          message: expect.stringContaining(
            'answered 503 to list virtualmachines: the server is currently unable',
          ),
        },
      );
    });

    it('gets one desktop with the reason it failed', async () => {
      server.use(
        http.get(`${NS}/virtualmachines/linux-desk`, () =>
          HttpResponse.json(
            vmPayload('linux-desk', 'ErrorUnschedulable', [
              {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message: '0/3 nodes are available: 3 Insufficient memory.',
              } as any,
            ]),
          ),
        ),
        http.get(`${NS}/virtualmachineinstances/linux-desk`, () =>
          HttpResponse.json({
            ...vmiPayload('linux-desk', '', ''),
            status: { phase: 'Scheduling' },
          }),
        ),
      );
      expect(await provider().provider.get(ref)).toEqual({
        name: 'linux-desk',
        cluster: 'rke2-test',
        namespace: 'workspaces',
        owner: 'user:default/alice',
        status: {
          phase: 'Failed',
          ready: false,
          message:
            'ErrorUnschedulable: 0/3 nodes are available: 3 Insufficient memory.',
        },
      });
    });

    it('gets a stopped desktop, which has no instance', async () => {
      server.use(
        http.get(`${NS}/virtualmachines/linux-desk`, () =>
          HttpResponse.json(vmPayload('linux-desk', 'Stopped')),
        ),
        http.get(`${NS}/virtualmachineinstances/linux-desk`, () =>
          kubeError(
            404,
            'NotFound',
            'virtualmachineinstances.kubevirt.io "linux-desk" not found',
          ),
        ),
      );
      expect((await provider().provider.get(ref))!.status).toEqual({
        phase: 'Stopped',
        ready: false,
        message: 'Stopped',
      });
    });

    it('answers undefined for a desktop that does not exist', async () => {
      server.use(
        http.get(`${NS}/virtualmachines/ghost`, () =>
          kubeError(
            404,
            'NotFound',
            'virtualmachines.kubevirt.io "ghost" not found',
          ),
        ),
        http.get(`${NS}/virtualmachineinstances/ghost`, () =>
          kubeError(
            404,
            'NotFound',
            'virtualmachineinstances.kubevirt.io "ghost" not found',
          ),
        ),
      );
      expect(
        await provider().provider.get({ name: 'ghost', cluster: 'rke2-test' }),
      ).toBeUndefined();
    });

    it('does not take a refusal for absence', async () => {
      server.use(
        http.get(`${NS}/virtualmachines/linux-desk`, () =>
          kubeError(
            403,
            'Forbidden',
            'virtualmachines.kubevirt.io "linux-desk" is forbidden',
          ),
        ),
        http.get(`${NS}/virtualmachineinstances/linux-desk`, () =>
          kubeError(404, 'NotFound', 'nf'),
        ),
      );
      await expect(provider().provider.get(ref)).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('may not get virtualmachines'),
      });
    });

    it('reports rejected credentials', async () => {
      server.use(
        http.get(`${NS}/virtualmachines`, () =>
          kubeError(401, 'Unauthorized', 'Unauthorized'),
        ),
        http.get(`${NS}/virtualmachineinstances`, () =>
          kubeError(401, 'Unauthorized', 'Unauthorized'),
        ),
      );
      await expect(provider().provider.list('rke2-test')).rejects.toMatchObject(
        {
          name: 'NotAllowedError',
          message:
            "Cluster 'rke2-test' did not accept the portal's credentials (HTTP 401); check its serviceAccountToken or kubeconfig",
        },
      );
    });
  });

  describe('lifecycle', () => {
    it.each(['start', 'stop', 'restart'] as const)(
      '%ss with a PUT to the subresource API',
      async action => {
        const { seen, handle } = recorder();
        server.use(
          http.put(
            `${SUB}/virtualmachines/linux-desk/${action}`,
            handle(() => new HttpResponse(null, { status: 202 })),
          ),
        );
        await expect(provider().provider[action](ref)).resolves.toBeUndefined();
        expect(seen).toEqual([
          {
            method: 'PUT',
            url: `/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk/${action}`,
            auth: 'Bearer sa-token',
            type: 'application/json',
            body: {},
          },
        ]);
      },
    );

    it('passes on a refused state change as a conflict', async () => {
      server.use(
        http.put(`${SUB}/virtualmachines/linux-desk/start`, () =>
          kubeError(
            409,
            'Conflict',
            'Operation cannot be fulfilled on virtualmachine.kubevirt.io "linux-desk": VM is already running',
          ),
        ),
      );
      await expect(provider().provider.start(ref)).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining('VM is already running'),
      });
    });

    it.each([
      [404, 'NotFound', 'NotFoundError'],
      [403, 'Forbidden', 'NotAllowedError'],
      [500, 'InternalError', 'ServiceUnavailableError'],
    ])('maps %i %s on stop to %s', async (code, reason, name) => {
      const message = `${reason}: virtualmachines.subresources.kubevirt.io "linux-desk"`;
      server.use(
        http.put(`${SUB}/virtualmachines/linux-desk/stop`, () =>
          kubeError(code, reason, message),
        ),
      );
      await expect(provider().provider.stop(ref)).rejects.toMatchObject({
        name,
      });
    });

    it('maps a slow subresource to ServiceUnavailableError', async () => {
      server.use(
        http.put(`${SUB}/virtualmachines/linux-desk/restart`, async () => {
          await delay(1000);
          return new HttpResponse(null, { status: 202 });
        }),
      );
      await expect(
        provider({ timeoutMs: 100 }).provider.restart(ref),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: "Cluster 'rke2-test' did not answer within 100 ms",
      });
    });

    it('deletes the VM in the foreground, taking its disk and Secret along', async () => {
      const { seen, handle } = recorder();
      server.use(
        http.delete(
          `${NS}/virtualmachines/linux-desk`,
          handle(() =>
            HttpResponse.json(vmPayload('linux-desk', 'Terminating')),
          ),
        ),
      );
      await provider().provider.delete(ref);
      expect(seen.map(s => [s.method, s.url, s.auth])).toEqual([
        [
          'DELETE',
          '/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk?propagationPolicy=Foreground',
          'Bearer sa-token',
        ],
      ]);
    });

    it('answers NotFoundError when deleting what is not there', async () => {
      server.use(
        http.delete(`${NS}/virtualmachines/linux-desk`, () =>
          kubeError(
            404,
            'NotFound',
            'virtualmachines.kubevirt.io "linux-desk" not found',
          ),
        ),
      );
      await expect(provider().provider.delete(ref)).rejects.toMatchObject({
        name: 'NotFoundError',
        message:
          "The desktop 'linux-desk' was not found on cluster 'rke2-test'",
      });
    });
  });

  it('keeps a path in the cluster URL, as behind Rancher', async () => {
    const base = `${API}/k8s/clusters/c-m-abc`;
    server.use(
      http.get(
        `${base}/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines`,
        () => HttpResponse.json({ items: [vmPayload('a', 'Stopped')] }),
      ),
      http.get(
        `${base}/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachineinstances`,
        () => HttpResponse.json({ items: [] }),
      ),
      http.put(
        `${base}/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachines/a/start`,
        () => new HttpResponse(null, { status: 202 }),
      ),
    );
    const { provider: p } = provider({ url: base });
    expect((await p.list('rke2-test')).map(w => w.name)).toEqual(['a']);
    await expect(
      p.start({ name: 'a', cluster: 'rke2-test' }),
    ).resolves.toBeUndefined();
  });

  it('names its clusters and what they run', () => {
    expect(provider({ os: ['windows'] }).provider.getClusters()).toEqual([
      { name: 'rke2-test', os: ['windows'] },
    ]);
  });
});
