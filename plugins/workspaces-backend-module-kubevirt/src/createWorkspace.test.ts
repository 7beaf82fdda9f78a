import { delay, http, HttpResponse } from 'msw';
import yaml from 'yaml';
import { buildVirtualMachine } from './buildVirtualMachine';
import { spec, testCluster } from './__testUtils__/fixtures';
import {
  kubeError,
  NS,
  plainText,
  providerFor,
  recorder,
  SECRETS,
  useApiServer,
} from './__testUtils__/apiServer';
import {
  createdSecretPayload,
  createdVmPayload,
  deletedPayload,
  deletingVmPayload,
  vmPayload,
} from './__testUtils__/payloads';
import {
  alreadyExists,
  deniedByWebhook,
  forbidden,
  notFound,
  PAGE_NOT_FOUND,
  strictDecoding,
} from './__testUtils__/refusals';

const server = useApiServer();
const STRICT = '?fieldValidation=Strict';

const orderLinux = (cluster?: Parameters<typeof providerFor>[0]) =>
  providerFor(cluster).provider.create(spec('linux'));

/** An answer after the 150 ms the slow-cluster tests allow. */
async function answerLate() {
  await delay(400);
  return HttpResponse.json({}, { status: 201 });
}

/** The API server removing the Secret; `handle` records each removal. */
const removingSecret = (handle = recorder().handle) =>
  http.delete(
    `${SECRETS}/:name`,
    handle(() =>
      HttpResponse.json(deletedPayload('secrets', 'linux-desk-cloudinit')),
    ),
  );

/** The API server accepting the Secret, the VM and the hand-over. */
function accepting(handle: ReturnType<typeof recorder>['handle']) {
  return [
    http.post(
      SECRETS,
      handle(body =>
        HttpResponse.json(createdSecretPayload(body, 'secret-uid'), {
          status: 201,
        }),
      ),
    ),
    http.post(
      `${NS}/virtualmachines`,
      handle(body =>
        HttpResponse.json(createdVmPayload(body, 'vm-uid-1'), { status: 201 }),
      ),
    ),
    http.patch(
      `${SECRETS}/:name`,
      handle(() =>
        HttpResponse.json({ apiVersion: 'v1', kind: 'Secret', metadata: {} }),
      ),
    ),
  ];
}

describe('KubeVirtWorkspaceProvider.create', () => {
  it('creates the first-boot Secret, then the VM, then hands the Secret to the VM, all strictly validated', async () => {
    const { seen, handle } = recorder();
    server.use(...accepting(handle));
    const created = await orderLinux();

    expect(created).toEqual({
      name: 'linux-desk',
      cluster: 'rke2-test',
      namespace: 'workspaces',
      owner: 'group:default/team-a',
      // The VM's annotation, as the order wrote it.
      expiresAt: '2026-12-01T00:00:00.000Z',
      status: {
        phase: 'Provisioning',
        ready: false,
        message: 'Created; KubeVirt has not picked it up yet.',
      },
    });
    expect(seen.map(s => [s.method, s.url, s.auth, s.type])).toEqual([
      [
        'POST',
        `/api/v1/namespaces/workspaces/secrets${STRICT}`,
        'Bearer sa-token',
        'application/json',
      ],
      [
        'POST',
        `/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines${STRICT}`,
        'Bearer sa-token',
        'application/json',
      ],
      [
        'PATCH',
        `/api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit${STRICT}`,
        'Bearer sa-token',
        'application/merge-patch+json',
      ],
    ]);
    const [secret, vm, patch] = seen.map(s => s.body);
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'linux-desk-cloudinit', namespace: 'workspaces' },
      type: 'Opaque',
      stringData: { userdata: expect.any(String) },
    });
    const user = yaml.parse(secret.stringData.userdata).users[0];
    expect(user.name).toBe('alice');
    expect(user.plain_text_passwd).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(vm).toEqual(buildVirtualMachine(spec('linux'), testCluster()));
    expect(vm.spec.runStrategy).toBe('RerunOnFailure');
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
    expect(JSON.stringify([vm, patch, created])).not.toContain(
      user.plain_text_passwd,
    );
  });

  it('uses an answer file through sysprep for Windows', async () => {
    const { seen, handle } = recorder();
    server.use(...accepting(handle));
    await providerFor().provider.create(spec('windows'));
    expect(seen.map(s => s.url.split('?')[0])).toEqual([
      '/api/v1/namespaces/workspaces/secrets',
      '/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines',
      '/api/v1/namespaces/workspaces/secrets/windows-desk-sysprep',
    ]);
    expect(Object.keys(seen[0].body.stringData).sort()).toEqual([
      'autounattend.xml',
      'unattend.xml',
    ]);
    expect(seen[1].body).toEqual(
      buildVirtualMachine(spec('windows'), testCluster()),
    );
  });

  it('answers a taken VM name with a conflict and removes the Secret it made', async () => {
    const { seen, handle } = recorder();
    server.use(
      accepting(handle)[0],
      http.post(
        `${NS}/virtualmachines`,
        handle(() =>
          kubeError(
            409,
            alreadyExists('virtualmachines', 'kubevirt.io', 'linux-desk'),
          ),
        ),
      ),
      removingSecret(handle),
    );
    await expect(orderLinux()).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        "A desktop named 'linux-desk' already exists on cluster 'rke2-test'",
    });
    expect(seen.map(s => `${s.method} ${s.url.split('?')[0]}`)).toEqual([
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
          kubeError(409, alreadyExists('secrets', '', 'linux-desk-cloudinit')),
        ),
      ),
    );
    await expect(orderLinux()).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining("'linux-desk' already exists"),
    });
    expect(seen).toHaveLength(1);
  });

  it('explains a missing permission as the service account lacking RBAC', async () => {
    server.use(
      http.post(SECRETS, () =>
        kubeError(403, forbidden('create', 'secrets', '')),
      ),
    );
    await expect(orderLinux()).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /^The portal's service account may not create secrets in namespace 'workspaces' on cluster 'rke2-test'; grant it the rules in the README \(KUBEVIRT_PROVIDER_RBAC_RULES\)\. The API server said: secrets is forbidden: User "system:serviceaccount:desktop-mania:backstage" cannot create resource "secrets"/,
      ),
    });
  });

  it('tells a missing namespace from a cluster without KubeVirt', async () => {
    server.use(
      http.post(SECRETS, () =>
        kubeError(404, notFound('namespaces', '', 'workspaces')),
      ),
    );
    await expect(orderLinux()).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        "Cluster 'rke2-test' has no namespace 'workspaces' for desktops (namespaces \"workspaces\" not found); create it or set the cluster's namespace",
    });

    server.use(
      accepting(recorder().handle)[0],
      http.post(`${NS}/virtualmachines`, () => plainText(404, PAGE_NOT_FOUND)),
      removingSecret(),
    );
    await expect(orderLinux()).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^KubeVirt is not installed on cluster 'rke2-test': the API server answered '404 page not found' for kubevirt\.io\/v1\./,
      ),
    });
  });

  it.each([
    [
      'a field this KubeVirt does not know',
      400,
      strictDecoding(
        'VirtualMachine',
        'spec.template.spec.domain.devices.inputs[0].bus',
      ),
      'strict decoding error: unknown field',
    ],
    [
      'a size too small for the image',
      422,
      deniedByWebhook(
        'virtualmachine-validator.kubevirt.io',
        'failure checking preference requirements: insufficient CPU resources of 1 vCPU provided by instance type, preference requires 2 vCPU',
      ),
      'preference requires 2 vCPU',
    ],
  ])(
    'passes on a refusal of %s as bad input, removing the Secret',
    async (_label, code, body, text) => {
      const deleted: string[] = [];
      server.use(
        accepting(recorder().handle)[0],
        http.post(`${NS}/virtualmachines`, () => kubeError(code, body)),
        http.delete(`${SECRETS}/:name`, ({ params }) => {
          deleted.push(params.name as string);
          return HttpResponse.json(deletedPayload('secrets', 'x'));
        }),
      );
      await expect(orderLinux()).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(text),
      });
      expect(deleted).toEqual(['linux-desk-cloudinit']);
    },
  );

  it('removes the VM too when its create timed out, since it may have happened', async () => {
    const { seen, handle } = recorder();
    let posted: any;
    server.use(
      accepting(handle)[0],
      http.post(`${NS}/virtualmachines`, async ({ request }) => {
        posted = await request.json();
        await delay(400);
        return HttpResponse.json(createdVmPayload(posted, 'late-uid'), {
          status: 201,
        });
      }),
      http.get(
        `${NS}/virtualmachines/linux-desk`,
        handle(() => HttpResponse.json(createdVmPayload(posted, 'late-uid'))),
      ),
      http.delete(
        `${NS}/virtualmachines/linux-desk`,
        handle(() =>
          HttpResponse.json(deletingVmPayload('linux-desk', 'Background')),
        ),
      ),
      removingSecret(handle),
    );
    await expect(orderLinux({ timeoutMs: 150 })).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: "Cluster 'rke2-test' did not answer within 150 ms",
    });
    expect(seen.map(s => `${s.method} ${s.url}`)).toEqual([
      `POST /api/v1/namespaces/workspaces/secrets${STRICT}`,
      'GET /apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk',
      'DELETE /apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk?propagationPolicy=Background',
      'DELETE /api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit',
    ]);
    // Only that VM: a namesake made in between stays.
    expect(seen[2].body).toEqual({ preconditions: { uid: 'late-uid' } });
  });

  it('leaves a namesake VM someone else made alone', async () => {
    const { seen, handle } = recorder();
    server.use(
      accepting(handle)[0],
      http.post(`${NS}/virtualmachines`, answerLate),
      http.get(
        `${NS}/virtualmachines/linux-desk`,
        handle(() => HttpResponse.json(vmPayload('linux-desk', 'Running'))),
      ),
      removingSecret(handle),
    );
    await expect(orderLinux({ timeoutMs: 150 })).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
    expect(seen.map(s => s.method)).toEqual(['POST', 'GET', 'DELETE']);
  });

  it('names what is left when the cluster also fails to remove it', async () => {
    server.use(
      accepting(recorder().handle)[0],
      http.post(`${NS}/virtualmachines`, answerLate),
      http.get(`${NS}/virtualmachines/linux-desk`, () => HttpResponse.error()),
      http.delete(`${SECRETS}/:name`, () => HttpResponse.error()),
    );
    const { provider, logger } = providerFor({ timeoutMs: 150 });
    await expect(provider.create(spec('linux'))).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        "Cluster 'rke2-test' did not answer within 150 ms. Removing what this order made failed too; delete by hand on cluster 'rke2-test': VirtualMachine workspaces/linux-desk, Secret workspaces/linux-desk-cloudinit",
    });
    expect(logger.error).toHaveBeenCalledTimes(2);
  });

  it('removes a Secret whose create timed out, in case it happened', async () => {
    const deleted: string[] = [];
    server.use(
      http.post(SECRETS, answerLate),
      http.delete(`${SECRETS}/:name`, ({ params }) => {
        deleted.push(params.name as string);
        return kubeError(404, notFound('secrets', '', 'linux-desk-cloudinit'));
      }),
    );
    const { provider, logger } = providerFor({ timeoutMs: 150 });
    await expect(provider.create(spec('linux'))).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: "Cluster 'rke2-test' did not answer within 150 ms",
    });
    expect(deleted).toEqual(['linux-desk-cloudinit']);
    // Not there is what cleaning up wants.
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('undoes the VM and the Secret when the Secret cannot be handed to the VM', async () => {
    const { seen, handle } = recorder();
    server.use(
      ...accepting(handle).slice(0, 2),
      http.patch(
        `${SECRETS}/:name`,
        handle(() =>
          kubeError(
            403,
            forbidden('patch', 'secrets', '', 'linux-desk-cloudinit'),
          ),
        ),
      ),
      http.delete(
        `${NS}/virtualmachines/:name`,
        handle(() =>
          HttpResponse.json(deletingVmPayload('linux-desk', 'Background')),
        ),
      ),
      removingSecret(handle),
    );
    await expect(orderLinux()).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('may not patch secrets'),
    });
    expect(seen.map(s => `${s.method} ${s.url.split('?')[0]}`)).toEqual([
      'POST /api/v1/namespaces/workspaces/secrets',
      'POST /apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines',
      'PATCH /api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit',
      'DELETE /apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk',
      'DELETE /api/v1/namespaces/workspaces/secrets/linux-desk-cloudinit',
    ]);
    expect(seen[3].body).toEqual({ preconditions: { uid: 'vm-uid-1' } });
  });

  it('refuses Windows on a cluster that runs only Linux, and a cluster it does not know, before any call', async () => {
    await expect(
      providerFor({ os: ['linux'] }).provider.create(spec('windows')),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        "Cluster 'rke2-test' does not run windows desktops (it runs linux)",
    });
    await expect(
      providerFor().provider.create({ ...spec('linux'), cluster: 'elsewhere' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
