import { http as mswHttp, HttpResponse } from 'msw';
import {
  kubeError,
  plainText,
  providerFor,
  recorder,
  useApiServer,
} from './__testUtils__/apiServer';
import { API, desk, testCluster } from './__testUtils__/fixtures';
import {
  deniedByWebhook,
  notFound,
  PAGE_NOT_FOUND,
} from './__testUtils__/refusals';
import {
  listPayload,
  SNAPSHOTS,
  vmRestorePayload,
  vmSnapshotPayload,
} from './__testUtils__/snapshotPayloads';
import { KubeVirtSnapshots } from './snapshots';

const server = useApiServer();
const URL = `${API}${SNAPSHOTS}`;
// KubeVirt's restore webhook (kubevirt/kubevirt
// pkg/virt-api/webhooks/validating-webhook/admitters/vmrestore-admitter.go
// `validateCreateVM`); the webhook's name is that of
// pkg/virt-operator/resource/generate/components/webhooks.go.
const RESTORE_WEBHOOK = 'virtualmachinerestore-validator.snapshot.kubevirt.io';

describe('KubeVirtSnapshots', () => {
  it('takes a snapshot as a labelled VirtualMachineSnapshot of the desktop VM', async () => {
    const { seen, handle } = recorder();
    server.use(
      mswHttp.post(
        `${URL}/virtualmachinesnapshots`,
        handle(() =>
          HttpResponse.json(vmSnapshotPayload('linux-desk', 'before', 'none'), {
            status: 201,
          }),
        ),
      ),
    );
    const { provider } = providerFor();
    expect(provider.snapshots.requiresStopped).toEqual({
      take: false,
      restore: true,
    });
    await expect(provider.snapshots.take(desk, 'before')).resolves.toEqual({
      ref: 'linux-desk-before',
      state: 'in-progress',
      message: undefined,
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: `${SNAPSHOTS}/virtualmachinesnapshots?fieldValidation=Strict`,
        auth: 'Bearer sa-token',
        type: 'application/json',
        body: {
          apiVersion: 'snapshot.kubevirt.io/v1beta1',
          kind: 'VirtualMachineSnapshot',
          metadata: {
            name: 'linux-desk-before',
            labels: {
              'app.kubernetes.io/managed-by': 'desktop-mania',
              'desktopmania.io/workspace': 'linux-desk',
              'desktopmania.io/snapshot': 'before',
            },
          },
          spec: {
            source: {
              apiGroup: 'kubevirt.io',
              kind: 'VirtualMachine',
              name: 'linux-desk',
            },
          },
        },
      },
    ]);
  });

  it('reads progress, readiness, failure and a restore under way from KubeVirt status', async () => {
    const { seen, handle } = recorder();
    server.use(
      mswHttp.get(
        `${URL}/virtualmachinesnapshots`,
        handle(() =>
          HttpResponse.json(
            listPayload('VirtualMachineSnapshot', [
              vmSnapshotPayload('linux-desk', 'taking', 'InProgress'),
              vmSnapshotPayload('linux-desk', 'done', 'Succeeded'),
              vmSnapshotPayload('linux-desk', 'late', 'Failed'),
              vmSnapshotPayload('linux-desk', 'back', 'Succeeded'),
              vmSnapshotPayload('linux-desk', 'old', 'Succeeded'),
              vmSnapshotPayload('linux-desk', 'live', 'Succeeded', [
                'Online',
                'NoGuestAgent',
              ]),
            ]),
          ),
        ),
      ),
      mswHttp.get(
        `${URL}/virtualmachinerestores`,
        handle(() =>
          HttpResponse.json(
            listPayload('VirtualMachineRestore', [
              vmRestorePayload('linux-desk', 'r1', 'linux-desk-back', false),
              vmRestorePayload('linux-desk', 'r0', 'linux-desk-old', true),
            ]),
          ),
        ),
      ),
    );
    const { provider } = providerFor();
    expect(await provider.snapshots.list(desk)).toEqual([
      {
        ref: 'linux-desk-taking',
        state: 'in-progress',
        message: 'Source locked and operation in progress',
      },
      { ref: 'linux-desk-done', state: 'ready' },
      {
        ref: 'linux-desk-late',
        state: 'failed',
        message: 'snapshot deadline exceeded',
      },
      {
        ref: 'linux-desk-back',
        state: 'restoring',
        message: 'Creating new PVCs',
      },
      { ref: 'linux-desk-old', state: 'ready' },
      {
        ref: 'linux-desk-live',
        state: 'ready',
        message:
          'Taken while the desktop ran without its guest agent: files open then may be inconsistent',
      },
    ]);
    const selector =
      'labelSelector=app.kubernetes.io%2Fmanaged-by%3Ddesktop-mania%2Cdesktopmania.io%2Fworkspace%3Dlinux-desk';
    expect(seen.map(s => s.url).sort()).toEqual([
      `${SNAPSHOTS}/virtualmachinerestores?${selector}`,
      `${SNAPSHOTS}/virtualmachinesnapshots?${selector}`,
    ]);
  });

  it('restores with a VirtualMachineRestore onto the same VM', async () => {
    const { seen, handle } = recorder();
    server.use(
      mswHttp.post(
        `${URL}/virtualmachinerestores`,
        handle(body =>
          HttpResponse.json(
            vmRestorePayload(
              'linux-desk',
              body.metadata.name,
              'linux-desk-done',
              false,
            ),
            { status: 201 },
          ),
        ),
      ),
    );
    const { provider } = providerFor();
    await expect(
      provider.snapshots.restore(desk, 'linux-desk-done'),
    ).resolves.toEqual({ ref: 'linux-desk-done', state: 'restoring' });
    expect(seen[0].body).toEqual({
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineRestore',
      metadata: {
        name: expect.stringMatching(/^linux-desk-done-[0-9a-z]+$/),
        labels: {
          'app.kubernetes.io/managed-by': 'desktop-mania',
          'desktopmania.io/workspace': 'linux-desk',
        },
      },
      spec: {
        target: {
          apiGroup: 'kubevirt.io',
          kind: 'VirtualMachine',
          name: 'linux-desk',
        },
        virtualMachineSnapshotName: 'linux-desk-done',
      },
    });
  });

  it('says to stop the desktop when KubeVirt refuses to restore onto a running VM', async () => {
    server.use(
      mswHttp.post(`${URL}/virtualmachinerestores`, () =>
        kubeError(
          422,
          deniedByWebhook(
            RESTORE_WEBHOOK,
            'VirtualMachineInstance "linux-desk" exists, VM must be stopped before restore',
          ),
        ),
      ),
    );
    const { provider } = providerFor();
    await expect(
      provider.snapshots.restore(desk, 'linux-desk-done'),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'Stop the desktop \'linux-desk\' before restoring a snapshot: Cluster \'rke2-test\' refused to create virtualmachinerestores: admission webhook "virtualmachinerestore-validator.snapshot.kubevirt.io" denied the request: VirtualMachineInstance "linux-desk" exists, VM must be stopped before restore',
    });
  });

  it('deletes a snapshot, and takes one already gone as deleted', async () => {
    const { seen, handle } = recorder();
    let gone = false;
    server.use(
      mswHttp.delete(
        `${URL}/virtualmachinesnapshots/linux-desk-done`,
        handle(() => {
          if (gone) {
            return kubeError(
              404,
              notFound(
                'virtualmachinesnapshots',
                'snapshot.kubevirt.io',
                'linux-desk-done',
              ),
            );
          }
          gone = true;
          return HttpResponse.json(
            vmSnapshotPayload('linux-desk', 'done', 'Succeeded'),
          );
        }),
      ),
    );
    const { provider } = providerFor();
    await provider.snapshots.delete(desk, 'linux-desk-done');
    await provider.snapshots.delete(desk, 'linux-desk-done');
    expect(seen.map(s => s.method)).toEqual(['DELETE', 'DELETE']);
  });

  it('names the VM a desktop claimed from a warm pool runs as, and the desktop by its label', async () => {
    const { seen, handle } = recorder();
    server.use(
      mswHttp.post(
        `${URL}/virtualmachinesnapshots`,
        handle(body => HttpResponse.json(body, { status: 201 })),
      ),
      mswHttp.post(
        `${URL}/virtualmachinerestores`,
        handle(body => HttpResponse.json(body, { status: 201 })),
      ),
    );
    const snapshots = new KubeVirtSnapshots(
      () => testCluster(),
      async () => 'warm-7f3k2',
    );
    await snapshots.take(desk, 'before');
    await snapshots.restore(desk, 'linux-desk-before');
    expect(
      seen.map(s => s.body.metadata.labels['desktopmania.io/workspace']),
    ).toEqual(['linux-desk', 'linux-desk']);
    expect(seen[0].body.spec.source.name).toBe('warm-7f3k2');
    expect(seen[1].body.spec.target.name).toBe('warm-7f3k2');
  });

  it('says so when the cluster serves no snapshot API', async () => {
    server.use(
      mswHttp.post(`${URL}/virtualmachinesnapshots`, () =>
        plainText(404, PAGE_NOT_FOUND),
      ),
    );
    const { provider } = providerFor();
    await expect(provider.snapshots.take(desk, 'x')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        "Cluster 'rke2-test' serves no snapshot.kubevirt.io/v1beta1, so desktops there cannot be snapshotted: 404 page not found",
    });
  });
});
