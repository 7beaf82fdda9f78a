import { http, HttpResponse } from 'msw';
import request from 'supertest';
import {
  NS,
  SECRETS,
  kubeError,
  providerFor,
  recorder,
  useApiServer,
} from './__testUtils__/apiServer';
import { ALICE, startKubeVirtBackend } from './__testUtils__/backend';
import { API, desk, spec } from './__testUtils__/fixtures';
import {
  createdSecretPayload,
  createdVmPayload,
  mergePatchedVmPayload,
  vmiPayload,
  vmPayload,
} from './__testUtils__/payloads';
import { forbidden, notFound } from './__testUtils__/refusals';

const EXPIRES = 'desktopmania.io/expires-at';
const POOL_MEMBER = 'warm-3f9c2a7b1e';

const server = useApiServer({ backendToo: true });

/** Answers a VM merge patch as the API server does: the VM as now stored. */
const patched = (body: any) =>
  HttpResponse.json(
    mergePatchedVmPayload(
      'linux-desk',
      body?.metadata?.annotations as Record<string, string>,
    ),
  );

describe('KubeVirtWorkspaceProvider setExpiry', () => {
  it('moves the annotation with a merge patch of it alone', async () => {
    const { seen, handle } = recorder();
    server.use(http.patch(`${NS}/virtualmachines/linux-desk`, handle(patched)));

    await providerFor().provider.setExpiry(desk, '2026-12-02T08:00:00.000Z');

    expect(seen).toEqual([
      {
        method: 'PATCH',
        url: '/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk?fieldValidation=Strict',
        auth: 'Bearer sa-token',
        type: 'application/merge-patch+json',
        body: {
          metadata: { annotations: { [EXPIRES]: '2026-12-02T08:00:00.000Z' } },
        },
      },
    ]);
  });

  it('patches the VM a desktop claimed from a warm pool runs as', async () => {
    const { seen, handle } = recorder();
    server.use(
      http.get(`${NS}/virtualmachines`, () =>
        HttpResponse.json({
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineList',
          metadata: { resourceVersion: '48300' },
          items: [
            {
              ...vmPayload(POOL_MEMBER, 'Running'),
              metadata: {
                ...vmPayload(POOL_MEMBER, 'Running').metadata,
                labels: { 'desktopmania.io/workspace': 'linux-desk' },
              },
            },
          ],
        }),
      ),
      http.patch(`${NS}/virtualmachines/${POOL_MEMBER}`, handle(patched)),
    );
    const { provider } = providerFor({
      warmPool: [
        {
          key: 'ubuntu-desktop.medium',
          image: spec('linux').image,
          size: spec('linux').size,
          diskGi: 60,
          count: 1,
          running: false,
        },
      ],
    });

    await provider.setExpiry(desk, '2026-12-02T08:00:00.000Z');

    expect(seen.map(s => s.url.split('?')[0])).toEqual([
      `/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines/${POOL_MEMBER}`,
    ]);
  });

  it('says NotFound when the VM is gone', async () => {
    server.use(
      http.patch(`${NS}/virtualmachines/linux-desk`, () =>
        kubeError(
          404,
          notFound('virtualmachines', 'kubevirt.io', 'linux-desk'),
        ),
      ),
    );
    await expect(
      providerFor().provider.setExpiry(desk, '2026-12-02T08:00:00.000Z'),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: "The desktop 'linux-desk' was not found on cluster 'rke2-test'",
    });
  });

  it('names the missing grant when RBAC refuses the patch', async () => {
    server.use(
      http.patch(`${NS}/virtualmachines/linux-desk`, () =>
        kubeError(
          403,
          forbidden('patch', 'virtualmachines', 'kubevirt.io', 'linux-desk'),
        ),
      ),
    );
    await expect(
      providerFor().provider.setExpiry(desk, '2026-12-02T08:00:00.000Z'),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        "may not patch virtualmachines in namespace 'workspaces'",
      ),
    });
  });
});

describe('extending a desktop on KubeVirt', () => {
  // Each test starts a backend, the first one cold.
  jest.setTimeout(30_000);

  /** The backend with one ordered desktop, and the VM its order made. */
  async function ordered() {
    let made: any;
    server.use(
      http.post(SECRETS, async ({ request: r }) =>
        HttpResponse.json(createdSecretPayload(await r.json(), 's1'), {
          status: 201,
        }),
      ),
      http.post(`${NS}/virtualmachines`, async ({ request: r }) => {
        made = createdVmPayload(await r.json(), 'u1');
        return HttpResponse.json(made, { status: 201 });
      }),
      http.patch(`${SECRETS}/:name`, async ({ request: r }) =>
        HttpResponse.json(createdSecretPayload(await r.json(), 's1')),
      ),
      http.get(`${NS}/virtualmachines/alice-dev`, () =>
        HttpResponse.json(made),
      ),
      // The backend's own scans of the cluster.
      http.get(`${NS}/virtualmachines`, () =>
        HttpResponse.json({ items: made ? [made] : [] }),
      ),
      http.get(`${NS}/virtualmachineinstances`, () =>
        HttpResponse.json({ items: [] }),
      ),
      http.get(`${NS}/virtualmachineinstances/alice-dev`, () =>
        HttpResponse.json(
          vmiPayload('alice-dev', 'rke2-worker-1', '10.42.0.8'),
        ),
      ),
    );
    const backend = await startKubeVirtBackend({
      url: API,
      timeout: { milliseconds: 300 },
    });
    const order = await request(backend.server)
      .post('/api/workspaces/workspaces')
      .set(ALICE)
      .send({
        name: 'alice-dev',
        image: 'ubuntu-desktop',
        size: 'medium',
        lifetimeHours: 4,
      })
      .expect(201);
    expect(made.metadata.annotations[EXPIRES]).toBe(order.body.expiresAt);
    return { backend, order: order.body };
  }

  const extend = (backend: { server: any }) =>
    request(backend.server)
      .post('/api/workspaces/workspaces/alice-dev/extend')
      .set(ALICE)
      .send({ hours: 24 })
      .expect(200);

  it("moves the VM's expiry annotation to the new expiry", async () => {
    const { backend, order } = await ordered();
    const { seen, handle } = recorder();
    server.use(http.patch(`${NS}/virtualmachines/alice-dev`, handle(patched)));

    const res = await extend(backend);

    expect(Date.parse(res.body.expiresAt) - Date.parse(order.expiresAt)).toBe(
      24 * 3600_000,
    );
    expect(seen).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        type: 'application/merge-patch+json',
        body: { metadata: { annotations: { [EXPIRES]: res.body.expiresAt } } },
      }),
    ]);
    await backend.stop();
  });

  it('keeps the extension when the cluster refuses the annotation', async () => {
    const { backend, order } = await ordered();
    server.use(
      http.patch(`${NS}/virtualmachines/alice-dev`, () =>
        kubeError(
          403,
          forbidden('patch', 'virtualmachines', 'kubevirt.io', 'alice-dev'),
        ),
      ),
    );

    const res = await extend(backend);

    expect(Date.parse(res.body.expiresAt) - Date.parse(order.expiresAt)).toBe(
      24 * 3600_000,
    );
    const again = await request(backend.server)
      .get('/api/workspaces/workspaces/alice-dev')
      .set(ALICE)
      .expect(200);
    expect(again.body.expiresAt).toBe(res.body.expiresAt);
    await backend.stop();
  });
});
