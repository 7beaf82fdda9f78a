import { delay, http as mswHttp, HttpResponse } from 'msw';
import {
  kubeError,
  NS,
  providerFor,
  recorder,
  SUB,
  useApiServer,
} from './__testUtils__/apiServer';
import { desk } from './__testUtils__/fixtures';
import {
  deletingVmPayload,
  vmiPayload,
  vmPayload,
} from './__testUtils__/payloads';
import { conflict, forbidden, notFound } from './__testUtils__/refusals';

const server = useApiServer();
const accepted = () => new HttpResponse(null, { status: 202 });

describe('KubeVirtWorkspaceProvider lifecycle', () => {
  it.each(['start', 'restart'] as const)(
    '%ss with a PUT to the subresource API',
    async action => {
      const { seen, handle } = recorder();
      server.use(
        mswHttp.put(
          `${SUB}/virtualmachines/linux-desk/${action}`,
          handle(accepted),
        ),
      );
      await expect(
        providerFor().provider[action](desk),
      ).resolves.toBeUndefined();
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

  it('stops with the configured grace period, or leaves it to the VMI', async () => {
    const { seen, handle } = recorder();
    server.use(
      mswHttp.put(`${SUB}/virtualmachines/linux-desk/stop`, handle(accepted)),
    );
    await providerFor({ stopGracePeriodSeconds: 300 }).provider.stop(desk);
    await providerFor().provider.stop(desk);
    // KubeVirt's StopOptions (staging/src/kubevirt.io/api/core/v1/types.go).
    expect(seen.map(s => s.body)).toEqual([{ gracePeriod: 300 }, {}]);
  });

  it('starts a failed desktop over, as KubeVirt refuses to start it', async () => {
    const { seen, handle } = recorder();
    server.use(
      mswHttp.put(
        `${SUB}/virtualmachines/linux-desk/start`,
        handle(() =>
          kubeError(
            409,
            // pkg/virt-api/rest/lifecycle.go `StartVMRequestHandler`.
            conflict(
              'virtualmachine',
              'linux-desk',
              'RerunOnFailure does not support starting VM from failed state',
            ),
          ),
        ),
      ),
      mswHttp.get(`${NS}/virtualmachines/linux-desk`, () =>
        HttpResponse.json(
          vmPayload('linux-desk', 'CrashLoopBackOff', [], {
            startFailure: { consecutiveFailCount: 2 },
          }),
        ),
      ),
      mswHttp.get(`${NS}/virtualmachineinstances/linux-desk`, () =>
        HttpResponse.json(vmiPayload('linux-desk', 'worker-1', '', 'Failed')),
      ),
      mswHttp.put(
        `${SUB}/virtualmachines/linux-desk/restart`,
        handle(accepted),
      ),
    );
    await expect(providerFor().provider.start(desk)).resolves.toBeUndefined();
    expect(seen.map(s => s.url.split('/').pop())).toEqual(['start', 'restart']);
  });

  it('refuses to start a running desktop, saying so', async () => {
    server.use(
      mswHttp.put(`${SUB}/virtualmachines/linux-desk/start`, () =>
        kubeError(
          409,
          conflict('virtualmachine', 'linux-desk', 'VM is already running'),
        ),
      ),
      mswHttp.get(`${NS}/virtualmachines/linux-desk`, () =>
        HttpResponse.json(vmPayload('linux-desk', 'Running')),
      ),
      mswHttp.get(`${NS}/virtualmachineinstances/linux-desk`, () =>
        HttpResponse.json(vmiPayload('linux-desk', 'worker-1', '10.42.0.9')),
      ),
    );
    await expect(providerFor().provider.start(desk)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /^The desktop 'linux-desk' cannot be started while it is Running: .*VM is already running$/,
      ),
    });
  });

  it.each([
    [
      404,
      notFound('virtualmachines', 'kubevirt.io', 'linux-desk'),
      'NotFoundError',
    ],
    [
      403,
      forbidden(
        'update',
        'virtualmachines/stop',
        'subresources.kubevirt.io',
        'linux-desk',
      ),
      'NotAllowedError',
    ],
    [
      409,
      conflict('virtualmachine', 'linux-desk', 'VM is not running'),
      'ConflictError',
    ],
  ])('maps %i on stop to its error', async (code, body, name) => {
    server.use(
      mswHttp.put(`${SUB}/virtualmachines/linux-desk/stop`, () =>
        kubeError(code, body),
      ),
    );
    await expect(providerFor().provider.stop(desk)).rejects.toMatchObject({
      name,
    });
  });

  it('maps a slow subresource to ServiceUnavailableError', async () => {
    server.use(
      mswHttp.put(`${SUB}/virtualmachines/linux-desk/restart`, async () => {
        await delay(1000);
        return accepted();
      }),
    );
    await expect(
      providerFor({ timeoutMs: 100 }).provider.restart(desk),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: "Cluster 'rke2-test' did not answer within 100 ms",
    });
  });

  it('deletes the VM in the foreground, and answers NotFoundError for one that is not there', async () => {
    const { seen, handle } = recorder();
    server.use(
      mswHttp.delete(
        `${NS}/virtualmachines/linux-desk`,
        handle(() =>
          HttpResponse.json(deletingVmPayload('linux-desk', 'Foreground')),
        ),
      ),
      mswHttp.delete(`${NS}/virtualmachines/ghost`, () =>
        kubeError(404, notFound('virtualmachines', 'kubevirt.io', 'ghost')),
      ),
    );
    const { provider } = providerFor();
    await provider.delete(desk);
    expect(seen.map(s => `${s.method} ${s.url}`)).toEqual([
      'DELETE /apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines/linux-desk?propagationPolicy=Foreground',
    ]);
    await expect(
      provider.delete({ name: 'ghost', cluster: 'rke2-test' }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: "The desktop 'ghost' was not found on cluster 'rke2-test'",
    });
  });
});
