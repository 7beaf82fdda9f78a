import { statusOf } from './status';
import { vmiPayload, vmPayload } from './__testUtils__/payloads';

describe('statusOf', () => {
  it.each([
    ['Provisioning', 'Provisioning'],
    ['WaitingForVolumeBinding', 'Provisioning'],
    ['WaitingForReceiver', 'Provisioning'],
    ['Starting', 'Starting'],
    ['Running', 'Running'],
    ['Paused', 'Running'],
    ['Migrating', 'Running'],
    ['Stopping', 'Stopping'],
    ['Stopped', 'Stopped'],
    ['Terminating', 'Terminating'],
    ['CrashLoopBackOff', 'Failed'],
    ['ErrorUnschedulable', 'Failed'],
    ['ErrImagePull', 'Failed'],
    ['ImagePullBackOff', 'Failed'],
    ['ErrorPvcNotFound', 'Failed'],
    ['ErrorDataVolumeNotFound', 'Failed'],
    ['DataVolumeError', 'Failed'],
    ['Unknown', 'Unknown'],
    ['SomethingNewInKubeVirt', 'Unknown'],
  ])('maps printableStatus %s to %s', (printableStatus, phase) => {
    const status = statusOf({ status: { printableStatus } });
    expect(status.phase).toBe(phase);
    expect(status.message).toBe(printableStatus);
    expect(status.ready).toBe(false);
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
        vmPayload('a', 'Running') as any,
        vmiPayload('a', 'worker-2', '10.42.1.7') as any,
      ),
    ).toEqual({
      phase: 'Running',
      ready: true,
      message: 'Running',
      ip: '10.42.1.7',
      node: 'worker-2',
    });
    expect(
      statusOf(
        { status: { printableStatus: 'Running', ready: true } },
        { status: { interfaces: [{}, { ipAddress: '10.42.0.9' }] } },
      ).ip,
    ).toBe('10.42.0.9');
  });

  it.each([
    [
      'ErrorUnschedulable',
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient memory.',
      },
      'ErrorUnschedulable: 0/3 nodes are available: 3 Insufficient memory.',
    ],
    [
      'DataVolumeError',
      {
        type: 'DataVolumesReady',
        status: 'False',
        reason: 'DataVolumeError',
        message: 'DataSource desktop-images/ubuntu-desktop not found',
      },
      'DataVolumeError: DataSource desktop-images/ubuntu-desktop not found',
    ],
    [
      'CrashLoopBackOff',
      {
        type: 'Failure',
        status: 'True',
        reason: 'FailedCreate',
        message: 'failed to create virtual machine pod: quota exceeded',
      },
      'CrashLoopBackOff: failed to create virtual machine pod: quota exceeded',
    ],
  ])(
    'explains %s with the condition that says why',
    (printableStatus, condition, message) => {
      expect(
        statusOf(vmPayload('a', printableStatus, [condition as any]) as any),
      ).toEqual({ phase: 'Failed', ready: false, message });
    },
  );

  it('falls back to the Ready condition, and keeps conditions out of healthy messages', () => {
    expect(statusOf(vmPayload('a', 'ErrorPvcNotFound') as any).message).toBe(
      'ErrorPvcNotFound: VMI does not exist',
    );
    expect(statusOf(vmPayload('a', 'Stopped') as any).message).toBe('Stopped');
  });

  it('uses the instance phase while the VM has no printable status, and Provisioning before anything', () => {
    expect(
      statusOf({ status: {} }, { status: { phase: 'Scheduling' } }),
    ).toEqual({ phase: 'Starting', ready: false, message: 'Scheduling' });
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
      message: 'Provisioning',
    });
  });
});
