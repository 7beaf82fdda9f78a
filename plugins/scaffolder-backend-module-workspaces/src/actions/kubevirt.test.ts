import { AddressInfo } from 'net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import workspacesPlugin from '@desktop-mania/plugin-workspaces-backend';
import workspacesModuleKubevirt from '@desktop-mania/plugin-workspaces-backend-module-kubevirt';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createWorkspaceAction } from './createWorkspace';
import { waitForWorkspaceAction } from './waitForWorkspace';

jest.setTimeout(30_000);

// Both actions against the real workspaces backend and KubeVirt provider,
// with msw answering as the cluster's API server.
const API = 'https://rke2.test:6443';
const NS = `${API}/apis/kubevirt.io/v1/namespaces/workspaces`;
const server = setupServer();
beforeAll(() =>
  server.listen({
    onUnhandledRequest: ({ url }, print) =>
      url.startsWith(API) ? print.error() : undefined,
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const vm = (name: string, printableStatus: string) => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: {
    name,
    namespace: 'workspaces',
    annotations: { 'desktopmania.io/owner': 'user:default/alice' },
  },
  spec: { template: { spec: { domain: { devices: {} } } } },
  status: { printableStatus, ready: printableStatus === 'Running' },
});

it('orders a desktop on KubeVirt and waits until it runs', async () => {
  let polls = 0;
  const created: any[] = [];
  server.use(
    http.post(`${API}/api/v1/namespaces/workspaces/secrets`, () =>
      HttpResponse.json({}, { status: 201 }),
    ),
    http.patch(`${API}/api/v1/namespaces/workspaces/secrets/:name`, () =>
      HttpResponse.json({}),
    ),
    http.post(`${NS}/virtualmachines`, async ({ request }) => {
      created.push(await request.json());
      return HttpResponse.json(vm('team-desk', 'Provisioning'), {
        status: 201,
      });
    }),
    // The VM provisions, starts, then runs.
    http.get(`${NS}/virtualmachines`, () => {
      const phases = ['Provisioning', 'Starting', 'Running'];
      const phase = phases[Math.min(polls++, phases.length - 1)];
      return HttpResponse.json({ items: [vm('team-desk', phase)] });
    }),
    http.get(`${NS}/virtualmachineinstances`, () =>
      HttpResponse.json({ items: [] }),
    ),
    // KubeVirt's version answer (kubevirt/kubevirt pkg/virt-api/api.go,
    // the Info of staging/src/kubevirt.io/client-go/version/types.go).
    http.get(`${API}/apis/subresources.kubevirt.io/v1/version`, () =>
      HttpResponse.json({
        gitVersion: 'v1.7.0',
        gitTreeState: 'clean',
        compiler: 'gc',
        platform: 'linux/amd64',
      }),
    ),
    // The root disk while CDI clones it (containerized-data-importer
    // pkg/controller/datavolume/conditions.go: Bound, Ready, Running).
    http.get(
      `${API}/apis/cdi.kubevirt.io/v1beta1/namespaces/workspaces/datavolumes/:name`,
      ({ params }) =>
        HttpResponse.json({
          apiVersion: 'cdi.kubevirt.io/v1beta1',
          kind: 'DataVolume',
          metadata: { name: params.name, namespace: 'workspaces' },
          status: {
            phase: 'CloneInProgress',
            progress: '42.00%',
            conditions: [
              { type: 'Bound', status: 'True', reason: 'Bound' },
              { type: 'Ready', status: 'False', reason: 'CloneInProgress' },
              { type: 'Running', status: 'True', reason: 'Pending' },
            ],
          },
        }),
    ),
  );
  const backend = await startTestBackend({
    features: [
      workspacesPlugin,
      workspacesModuleKubevirt,
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          workspaces: {
            images: [
              {
                name: 'windows-11',
                title: 'Windows 11',
                os: 'windows',
                dataSource: {
                  name: 'windows-11-desktop',
                  namespace: 'desktop-images',
                },
                preference: 'windows.11.virtio',
                minimum: { cpu: 2, memory: '4Gi', diskGi: 64 },
              },
            ],
            sizes: [
              {
                name: 'large',
                title: 'Large',
                instancetype: 'u1.large',
                cpu: 2,
                memory: '8Gi',
              },
            ],
            kubevirt: {
              clusters: [
                {
                  name: 'rke2-prod',
                  url: API,
                  serviceAccountToken: 'sa-token',
                },
              ],
            },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const discovery = {
    getBaseUrl: async (id: string) => `http://localhost:${port}/api/${id}`,
    getExternalBaseUrl: async (id: string) =>
      `http://localhost:${port}/api/${id}`,
  };
  const auth = mockServices.auth();
  const context = (input: object) => {
    const ctx = createMockActionContext({
      input: input as any,
      templateInfo: { entityRef: 'template:default/windows-desktop' } as any,
    });
    jest.spyOn(ctx.logger, 'info');
    return Object.assign(ctx, {
      getInitiatorCredentials: async () =>
        mockCredentials.user('user:default/alice'),
    });
  };
  try {
    const order = context({
      name: 'team-desk',
      image: 'windows-11',
      size: 'large',
      diskGi: 80,
    });
    await createWorkspaceAction({ auth, discovery }).handler(order);
    expect(order.output).toHaveBeenCalledWith(
      'entityRef',
      'workspace:default/team-desk',
    );
    expect(created[0].spec.preference.name).toBe('windows.11.virtio');
    expect(created[0].spec.template.spec.volumes[1].sysprep.secret.name).toBe(
      'team-desk-sysprep',
    );

    const wait = context({ name: 'team-desk' });
    await waitForWorkspaceAction({
      auth,
      discovery,
      pollIntervalMs: 10,
    }).handler(wait);
    expect((wait.logger.info as jest.Mock).mock.calls.map(c => c[0])).toEqual([
      'team-desk is Provisioning: Preparing its disk from the image; it starts by itself once the disk is ready. Disk 42.00% copied.',
      'team-desk is Starting: Starting: finding a node for it and booting it.',
      'team-desk is Running: Running',
    ]);
  } finally {
    await backend.stop();
  }
});
