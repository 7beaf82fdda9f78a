import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  WorkspaceProvider,
  workspaceProvidersExtensionPoint,
} from '@desktop-mania/plugin-workspaces-node';
import { delay, http, HttpResponse } from 'msw';
import request from 'supertest';
import { workspacesModuleKubevirt } from './module';
import { NS, useApiServer } from './__testUtils__/apiServer';
import { ALICE, startKubeVirtBackend } from './__testUtils__/backend';
import { API } from './__testUtils__/fixtures';
import { statusPayload, vmiPayload, vmPayload } from './__testUtils__/payloads';

// The workspaces backend with this module, against msw answering as an API
// server with KubeVirt installed.
const server = useApiServer({ backendToo: true });

const start = () =>
  startKubeVirtBackend({ url: API, timeout: { milliseconds: 300 } });

describe('the workspaces backend on KubeVirt', () => {
  it('orders, reads, stops and deletes a desktop through the Kubernetes API', async () => {
    const calls: string[] = [];
    let vm: any;
    server.use(
      http.post(
        `${API}/api/v1/namespaces/workspaces/secrets`,
        async ({ request: r }) => {
          calls.push(`POST secret ${r.headers.get('authorization')}`);
          return HttpResponse.json(await r.json(), { status: 201 });
        },
      ),
      http.post(`${NS}/virtualmachines`, async ({ request: r }) => {
        calls.push('POST vm');
        vm = await r.json();
        return HttpResponse.json(
          {
            ...vm,
            metadata: { ...vm.metadata, uid: 'u1' },
            status: { printableStatus: 'Provisioning' },
          },
          { status: 201 },
        );
      }),
      http.patch(`${API}/api/v1/namespaces/workspaces/secrets/:name`, () => {
        calls.push('PATCH secret');
        return HttpResponse.json({});
      }),
      http.get(`${NS}/virtualmachines`, () =>
        HttpResponse.json({ items: [vmPayload('alice-dev', 'Running')] }),
      ),
      http.get(`${NS}/virtualmachineinstances`, () =>
        HttpResponse.json({
          items: [vmiPayload('alice-dev', 'rke2-worker-1', '10.42.0.8')],
        }),
      ),
      http.put(
        `${API}/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachines/alice-dev/stop`,
        () => {
          calls.push('PUT stop');
          return new HttpResponse(null, { status: 202 });
        },
      ),
      http.delete(`${NS}/virtualmachines/alice-dev`, () => {
        calls.push('DELETE vm');
        return HttpResponse.json(vmPayload('alice-dev', 'Terminating'));
      }),
    );
    const backend = await start();
    const created = await request(backend.server)
      .post('/api/workspaces/workspaces')
      .set(ALICE)
      .send({
        name: 'alice-dev',
        image: 'ubuntu-desktop',
        size: 'medium',
        diskGi: 30,
      })
      .expect(201);
    expect(created.body).toMatchObject({
      provider: 'kubevirt',
      cluster: 'rke2-prod',
      namespace: 'workspaces',
      status: { phase: 'Provisioning' },
    });
    expect(
      vm.spec.dataVolumeTemplates[0].spec.storage.resources.requests.storage,
    ).toBe('30Gi');
    const got = await request(backend.server)
      .get('/api/workspaces/workspaces/alice-dev')
      .set(ALICE)
      .expect(200);
    expect(got.body.status).toEqual({
      phase: 'Running',
      ready: true,
      message: 'Running',
      ip: '10.42.0.8',
      node: 'rke2-worker-1',
      consolePreservesSession: true,
    });
    await request(backend.server)
      .post('/api/workspaces/workspaces/alice-dev/stop')
      .set(ALICE)
      .expect(200);
    await request(backend.server)
      .delete('/api/workspaces/workspaces/alice-dev')
      .set(ALICE)
      .expect(204);
    expect(calls).toEqual([
      'POST secret Bearer sa-token',
      'POST vm',
      'PATCH secret',
      'PUT stop',
      'DELETE vm',
    ]);
    await backend.stop();
  });

  it('answers 409 for a VM name already taken on the cluster, and keeps no record', async () => {
    server.use(
      http.post(`${API}/api/v1/namespaces/workspaces/secrets`, () =>
        HttpResponse.json({}, { status: 201 }),
      ),
      http.post(`${NS}/virtualmachines`, () =>
        HttpResponse.json(
          statusPayload(409, 'AlreadyExists', 'already exists'),
          { status: 409 },
        ),
      ),
      http.delete(`${API}/api/v1/namespaces/workspaces/secrets/:name`, () =>
        HttpResponse.json({}),
      ),
    );
    const backend = await start();
    await request(backend.server)
      .post('/api/workspaces/workspaces')
      .set(ALICE)
      .send({ name: 'taken', image: 'ubuntu-desktop', size: 'medium' })
      .expect(409);
    server.use(
      http.get(`${NS}/virtualmachines`, () => HttpResponse.json({ items: [] })),
      http.get(`${NS}/virtualmachineinstances`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    const list = await request(backend.server)
      .get('/api/workspaces/workspaces')
      .set(ALICE)
      .expect(200);
    expect(list.body).toEqual([]);
    await backend.stop();
  });

  it('answers 503 when the cluster times out, and leaves nothing behind', async () => {
    const cleanups: string[] = [];
    server.use(
      http.delete(
        `${API}/api/v1/namespaces/workspaces/secrets/:name`,
        ({ params }) => {
          cleanups.push(`secret ${params.name}`);
          return HttpResponse.json(statusPayload(404, 'NotFound', 'nf'), {
            status: 404,
          });
        },
      ),
      http.post(`${API}/api/v1/namespaces/workspaces/secrets`, async () => {
        await delay(2000);
        return HttpResponse.json({}, { status: 201 });
      }),
      http.delete(`${NS}/virtualmachines/slow`, () => {
        cleanups.push('vm slow');
        return HttpResponse.json(statusPayload(404, 'NotFound', 'nf'), {
          status: 404,
        });
      }),
    );
    const backend = await start();
    const res = await request(backend.server)
      .post('/api/workspaces/workspaces')
      .set(ALICE)
      .send({ name: 'slow', image: 'ubuntu-desktop', size: 'medium' })
      .expect(503);
    expect(res.body.error.message).toBe(
      "Cluster 'rke2-prod' did not answer within 300 ms",
    );
    await request(backend.server)
      .get('/api/workspaces/workspaces/slow')
      .set(ALICE)
      .expect(404);
    // The provider removes the Secret that may have been made; the backend removes the VM that may have been.
    expect(cleanups).toEqual(['secret slow-cloudinit', 'vm slow']);
    await backend.stop();
  });
});

describe('the module on its own', () => {
  // A stand-in for the workspaces plugin that only collects providers.
  function collector(into: WorkspaceProvider[]) {
    return createBackendPlugin({
      pluginId: 'workspaces',
      register(env) {
        env.registerExtensionPoint(workspaceProvidersExtensionPoint, {
          addProvider: p => into.push(p),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
  }

  it('registers a provider for the configured clusters', async () => {
    const providers: WorkspaceProvider[] = [];
    const backend = await startTestBackend({
      features: [
        collector(providers),
        workspacesModuleKubevirt,
        mockServices.rootConfig.factory({
          data: {
            workspaces: {
              kubevirt: {
                clusters: [
                  {
                    name: 'a',
                    url: API,
                    serviceAccountToken: 't',
                    os: ['windows'],
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    expect(providers.map(p => [p.id, p.getClusters()])).toEqual([
      ['kubevirt', [{ name: 'a', os: ['windows'] }]],
    ]);
    await backend.stop();
  });

  it('registers nothing, and says so, without clusters', async () => {
    const providers: WorkspaceProvider[] = [];
    const logger = mockServices.logger.mock();
    const backend = await startTestBackend({
      features: [
        collector(providers),
        workspacesModuleKubevirt,
        mockServices.rootConfig.factory({ data: {} }),
        logger.factory,
      ],
    });
    expect(providers).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('KubeVirt desktops are off'),
    );
    await backend.stop();
  });

  it('stops the backend from starting on a config mistake, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          collector([]),
          workspacesModuleKubevirt,
          mockServices.rootConfig.factory({
            data: {
              workspaces: {
                kubevirt: {
                  clusters: [{ name: 'a', serviceAccountToken: 't' }],
                },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      "Invalid config at 'workspaces.kubevirt.clusters[0].url'",
    );
  });
});
