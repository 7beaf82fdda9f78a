import { diskReport } from './dataVolumeStatus';
import { PRINTABLE_STATUSES } from './printableStatus';
import { statusOf } from './status';
import {
  dataVolumePayload,
  vmiPayload,
  vmPayload,
} from './__testUtils__/payloads';
import { exceededQuota, quotaExceededDisk } from './__testUtils__/refusals';

// The VirtualMachinePrintableStatus constants of kubevirt/kubevirt
// staging/src/kubevirt.io/api/core/v1/types.go, all of them.
const UPSTREAM_PRINTABLE_STATUSES = [
  'Stopped',
  'Provisioning',
  'Starting',
  'Running',
  'Paused',
  'Stopping',
  'Terminating',
  'CrashLoopBackOff',
  'Migrating',
  'Unknown',
  'ErrorUnschedulable',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrorPvcNotFound',
  'DataVolumeError',
  'WaitingForVolumeBinding',
  'WaitingForReceiver',
];

const as = <T>(value: unknown) => value as T;
type Vm = Parameters<typeof statusOf>[0];
type Vmi = Parameters<typeof statusOf>[1];

describe('statusOf', () => {
  it('knows every printable status KubeVirt writes, and nothing else', () => {
    expect(Object.keys(PRINTABLE_STATUSES).sort()).toEqual(
      [...UPSTREAM_PRINTABLE_STATUSES].sort(),
    );
  });

  it.each([
    ['Stopped', 'Stopped'],
    ['Provisioning', 'Provisioning'],
    ['WaitingForVolumeBinding', 'Provisioning'],
    ['Starting', 'Starting'],
    ['WaitingForReceiver', 'Starting'],
    ['Running', 'Running'],
    ['Migrating', 'Running'],
    ['Paused', 'Failed'],
    ['Stopping', 'Stopping'],
    ['Terminating', 'Terminating'],
    ['CrashLoopBackOff', 'Failed'],
    ['ErrorUnschedulable', 'Failed'],
    ['ErrImagePull', 'Failed'],
    ['ImagePullBackOff', 'Failed'],
    ['ErrorPvcNotFound', 'Failed'],
    ['DataVolumeError', 'Failed'],
    ['Unknown', 'Unknown'],
  ])('maps %s to %s with a sentence to act on', (printableStatus, phase) => {
    const status = statusOf(as<Vm>(vmPayload('a', printableStatus)));
    expect(status.phase).toBe(phase);
    expect(status.ready).toBe(printableStatus === 'Running');
    expect(status.message).toMatch(/^[A-Z].{6,}/);
    // "VMI does not exist" restates a stopped VM; it explains nothing.
    expect(status.message).not.toContain('VMI does not exist');
  });

  it('reads a printable status it does not know, such as the retired ErrorDataVolumeNotFound, as Unknown', () => {
    expect(statusOf(as<Vm>(vmPayload('a', 'ErrorDataVolumeNotFound')))).toEqual(
      {
        phase: 'Unknown',
        ready: false,
        message:
          "KubeVirt reports 'ErrorDataVolumeNotFound', a state this portal does not know. Ask the cluster admins what it means.",
      },
    );
  });

  it('is ready only when running and the VM says ready', () => {
    expect(
      statusOf({ status: { printableStatus: 'Running', ready: true } }).ready,
    ).toBe(true);
    expect(
      statusOf({ status: { printableStatus: 'Running', ready: false } }).ready,
    ).toBe(false);
    expect(
      statusOf({ status: { printableStatus: 'Stopping', ready: true } }).ready,
    ).toBe(false);
  });

  it('takes the address and node from the running instance', () => {
    expect(
      statusOf(
        as<Vm>(vmPayload('a', 'Running')),
        as<Vmi>(vmiPayload('a', 'worker-2', '10.42.1.7')),
      ),
    ).toEqual({
      phase: 'Running',
      ready: true,
      message: 'Running',
      ip: '10.42.1.7',
      node: 'worker-2',
    });
  });

  it('says why a desktop is still Starting when a ResourceQuota refuses its pod', () => {
    // The VMI controller's FailedCreate (kubevirt/kubevirt
    // pkg/virt-controller/watch/vmi/lifecycle.go), copied onto the VM.
    const synchronized = {
      type: 'Synchronized',
      status: 'False',
      reason: 'FailedCreate',
      lastProbeTime: null,
      lastTransitionTime: '2026-11-20T09:02:11Z',
      message: `failed to create virtual machine pod: ${exceededQuota(
        'pods',
        'virt-launcher-linux-desk-',
        'requested: requests.memory=4364Mi, used: requests.memory=16Gi, limited: requests.memory=20Gi',
      )}`,
    };
    const status = statusOf(
      as<Vm>(vmPayload('linux-desk', 'Starting', [synchronized as any])),
      as<Vmi>(
        vmiPayload('linux-desk', '', '', 'Pending', {
          conditions: [synchronized as any],
          interfaces: [],
        }),
      ),
    );
    expect(status).toEqual({
      phase: 'Starting',
      ready: false,
      message: `Starting: finding a node for it and booting it. Cause: ${synchronized.message}`,
    });
  });

  it('says why a desktop cannot start when the image it clones is missing', () => {
    // The VM controller could not make the DataVolume (vm.go
    // `handleDataVolumes` resolving the DataSource, pkg/storage/types/dv.go).
    const status = statusOf(
      as<Vm>(
        vmPayload('linux-desk', 'Starting', [
          {
            type: 'Failure',
            status: 'True',
            reason: 'FailedCreate',
            lastProbeTime: null,
            lastTransitionTime: '2026-11-20T09:00:02Z',
            message:
              'Error encountered while creating DataVolumes: datasources.cdi.kubevirt.io "ubuntu-desktop" not found',
          } as any,
        ]),
      ),
    );
    expect(status.phase).toBe('Starting');
    expect(status.message).toMatch(
      /Cause: Error encountered while creating DataVolumes: datasources\.cdi\.kubevirt\.io "ubuntu-desktop" not found$/,
    );
  });

  it('explains an unschedulable desktop with what the scheduler said', () => {
    // Copied from the launcher pod (vmi/lifecycle.go); the scheduler's
    // FitError (kubernetes pkg/scheduler/framework/types.go).
    const podScheduled = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      lastProbeTime: null,
      lastTransitionTime: '2026-11-20T09:02:30Z',
      message:
        '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    };
    expect(
      statusOf(
        as<Vm>(vmPayload('a', 'ErrorUnschedulable', [podScheduled as any])),
        as<Vmi>(
          vmiPayload('a', '', '', 'Scheduling', {
            conditions: [podScheduled as any],
          }),
        ),
      ).message,
    ).toBe(
      `No node can run it now. It starts by itself when one has room; otherwise stop it, or order a smaller size. Cause: ${podScheduled.message}`,
    );
  });

  it('reads a desktop KubeVirt paused on an I/O error as failed, saying so', () => {
    // virt-handler's Paused condition (kubevirt/kubevirt pkg/virt-handler/vm.go).
    const paused = {
      type: 'Paused',
      status: 'True',
      reason: 'PausedIOError',
      lastProbeTime: '2026-11-20T10:15:00Z',
      lastTransitionTime: '2026-11-20T10:15:00Z',
      message: 'VMI was paused, low-level IO error detected',
    };
    const status = statusOf(
      as<Vm>(vmPayload('a', 'Paused', [paused as any], { ready: false })),
      as<Vmi>(
        vmiPayload('a', 'worker-1', '10.42.0.9', 'Running', {
          conditions: [paused as any],
        }),
      ),
    );
    expect(status).toMatchObject({ phase: 'Failed', ready: false });
    expect(status.message).toBe(
      'Paused after its disk failed a read or write: KubeVirt stops the guest so that it loses no data. Ask the cluster admins to check its storage, then restart it. Cause: VMI was paused, low-level IO error detected',
    );
  });

  it('counts the failed starts of a crash loop', () => {
    const status = statusOf(
      as<Vm>(
        vmPayload('a', 'CrashLoopBackOff', [], {
          startFailure: {
            consecutiveFailCount: 3,
            lastFailedVMIUID: '3f0c3c5e-6f0e-4b59-9d5b-1f2c3d4e5f60',
            retryAfterTimestamp: '2026-11-20T09:10:00Z',
          },
        }),
      ),
    );
    expect(status.phase).toBe('Failed');
    expect(status.message).toMatch(
      /Cause: 3 failed starts in a row; next try after 2026-11-20T09:10:00Z$/,
    );
  });

  it('adds what CDI says about the disk while it is being made', () => {
    expect(
      statusOf(as<Vm>(vmPayload('a', 'Provisioning')), undefined, {
        progress: '45.20%',
      }).message,
    ).toBe(
      'Preparing its disk from the image; it starts by itself once the disk is ready. Disk 45.20% copied.',
    );
    expect(
      statusOf(as<Vm>(vmPayload('a', 'Provisioning')), undefined, {
        problem: "The source pvc ubuntu-desktop doesn't exist",
      }).message,
    ).toMatch(/Cause: The source pvc ubuntu-desktop doesn't exist$/);
  });

  it('uses the instance phase while the VM has no printable status, and Provisioning before anything', () => {
    expect(
      statusOf({ status: {} }, { status: { phase: 'Scheduling' } }),
    ).toEqual({
      phase: 'Starting',
      ready: false,
      message:
        'Its instance is Scheduling; KubeVirt has not summed up the desktop yet.',
    });
    expect(
      statusOf(
        { status: {} },
        { status: { phase: 'Running', nodeName: 'w1' } },
      ),
    ).toEqual({
      phase: 'Running',
      ready: false,
      message: 'Running',
      node: 'w1',
    });
    expect(statusOf({}, undefined)).toEqual({
      phase: 'Provisioning',
      ready: false,
      message: 'Created; KubeVirt has not picked it up yet.',
    });
  });
});

describe('diskReport', () => {
  const reportOf = (status: Parameters<typeof dataVolumePayload>[1]) =>
    diskReport(dataVolumePayload('linux-desk-root', status) as any);

  it('gives the progress of a clone in progress', () => {
    // A host-assisted clone: Bound, Running, Ready false while the transfer
    // runs (CDI pkg/controller/datavolume/conditions.go `updateWithTargetRunning`).
    expect(
      reportOf({
        phase: 'CloneInProgress',
        progress: '45.20%',
        claimName: 'linux-desk-root',
        conditions: [
          {
            type: 'Bound',
            status: 'True',
            reason: 'Bound',
            message: 'PVC linux-desk-root Bound',
          },
          { type: 'Ready', status: 'False', reason: 'TransferRunning' },
          { type: 'Running', status: 'True', reason: 'Pod is running' },
        ] as any,
      }),
    ).toEqual({ progress: '45.20%' });
  });

  it('gives no progress where CDI cannot tell, as for CSI clones', () => {
    expect(
      reportOf({
        phase: 'CSICloneInProgress',
        progress: 'N/A',
        conditions: [
          {
            type: 'Running',
            status: 'True',
            reason: 'Populator is running',
          },
        ] as any,
      }),
    ).toEqual({});
  });

  it('names an exceeded storage quota, which KubeVirt leaves unsaid', () => {
    const { message, status } = quotaExceededDisk('linux-desk-root');
    expect(reportOf(status)).toEqual({ problem: message });
  });

  it('names a clone source that does not exist', () => {
    // CDI pkg/controller/datavolume/pvc-clone-controller.go `validateCloneAndSourcePVC`.
    expect(
      reportOf({
        phase: 'CloneScheduled',
        conditions: [
          {
            type: 'Bound',
            status: 'False',
            reason: 'CloneWithoutSource',
            message: "The source pvc ubuntu-desktop doesn't exist",
          },
          {
            type: 'Ready',
            status: 'False',
            reason: 'CloneWithoutSource',
            message: "The source pvc ubuntu-desktop doesn't exist",
          },
          { type: 'Running', status: 'False' },
        ] as any,
      }),
    ).toEqual({ problem: "The source pvc ubuntu-desktop doesn't exist" });
  });

  it('names a clone that failed, and a DataVolume CDI gave up on', () => {
    // CDI pkg/controller/populators/clone-populator.go `addRunningAnnotations`.
    expect(
      reportOf({
        phase: 'CloneInProgress',
        conditions: [
          {
            type: 'Running',
            status: 'False',
            reason: 'Error',
            message: 'error cloning: target PVC is too small',
          },
        ] as any,
      }),
    ).toEqual({ problem: 'error cloning: target PVC is too small' });
    expect(reportOf({ phase: 'Failed' })).toEqual({
      problem: 'CDI marked its DataVolume linux-desk-root Failed',
    });
  });

  it('reads a disk waiting for its first consumer as on track', () => {
    expect(
      reportOf({
        phase: 'WaitForFirstConsumer',
        conditions: [
          {
            type: 'Bound',
            status: 'False',
            reason: 'Pending',
            message: 'PVC linux-desk-root Pending',
          },
        ] as any,
      }),
    ).toEqual({});
  });
});
