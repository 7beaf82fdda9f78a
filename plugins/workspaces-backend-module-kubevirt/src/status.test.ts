import { statusOf } from './status';

describe('statusOf', () => {
  it.each([
    ['Running', true, 'Running', true],
    ['Running', false, 'Running', false],
    ['Stopped', false, 'Stopped', false],
    ['Provisioning', false, 'Provisioning', false],
    ['WaitingForVolumeBinding', false, 'Provisioning', false],
    ['Starting', false, 'Starting', false],
    ['Stopping', false, 'Stopping', false],
    ['Terminating', false, 'Terminating', false],
    ['CrashLoopBackOff', false, 'Failed', false],
    ['DataVolumeError', false, 'Failed', false],
    ['Paused', true, 'Running', true],
    ['SomethingNew', false, 'Unknown', false],
  ])('maps printableStatus %s (ready %s) to %s', (printableStatus, ready, phase, expectReady) => {
    const status = statusOf({ status: { printableStatus, ready } });
    expect(status.phase).toBe(phase);
    expect(status.ready).toBe(expectReady);
    expect(status.message).toBe(printableStatus);
  });

  it('takes IP and node from the running instance', () => {
    expect(
      statusOf(
        { status: { printableStatus: 'Running', ready: true } },
        { status: { nodeName: 'worker-1', interfaces: [{}, { ipAddress: '10.42.0.9' }] } },
      ),
    ).toEqual({ phase: 'Running', ready: true, message: 'Running', ip: '10.42.0.9', node: 'worker-1' });
  });
});
