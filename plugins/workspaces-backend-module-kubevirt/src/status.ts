import type {
  WorkspacePhase,
  WorkspaceStatus,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  VirtualMachineInstanceObject,
  VirtualMachineObject,
} from './KubeVirtApi';

/** KubeVirt's `status.printableStatus` values, as the portal groups them. */
const PRINTABLE: Record<string, WorkspacePhase> = {
  Provisioning: 'Provisioning',
  WaitingForVolumeBinding: 'Provisioning',
  WaitingForReceiver: 'Provisioning',
  Starting: 'Starting',
  Running: 'Running',
  Paused: 'Running',
  Migrating: 'Running',
  Stopping: 'Stopping',
  Stopped: 'Stopped',
  Terminating: 'Terminating',
  CrashLoopBackOff: 'Failed',
  ErrorUnschedulable: 'Failed',
  ErrImagePull: 'Failed',
  ImagePullBackOff: 'Failed',
  ErrorPvcNotFound: 'Failed',
  ErrorDataVolumeNotFound: 'Failed',
  DataVolumeError: 'Failed',
  Unknown: 'Unknown',
};

/** VMI phases, for a VM the controller has not given a printable status yet. */
const VMI_PHASES: Record<string, WorkspacePhase> = {
  Pending: 'Starting',
  Scheduling: 'Starting',
  Scheduled: 'Starting',
  Running: 'Running',
  Succeeded: 'Stopped',
  Failed: 'Failed',
  Unknown: 'Unknown',
};

// The conditions that explain a failure, most specific first.
const FAILURE_CONDITIONS: Array<{ type: string; status: string }> = [
  { type: 'Failure', status: 'True' },
  { type: 'PodScheduled', status: 'False' },
  { type: 'DataVolumesReady', status: 'False' },
  { type: 'Ready', status: 'False' },
];

function failureMessage(
  vm: Pick<VirtualMachineObject, 'status'>,
): string | undefined {
  const conditions = vm.status?.conditions ?? [];
  for (const wanted of FAILURE_CONDITIONS) {
    const found = conditions.find(
      c => c.type === wanted.type && c.status === wanted.status && c.message,
    );
    if (found) return found.message;
  }
  return undefined;
}

/** A desktop's status from its VM and, while it has one, its VMI. */
export function statusOf(
  vm: Pick<VirtualMachineObject, 'status'>,
  vmi?: Pick<VirtualMachineInstanceObject, 'status'>,
): WorkspaceStatus {
  const printable = vm.status?.printableStatus;
  let phase: WorkspacePhase;
  let message: string;
  if (printable) {
    phase = PRINTABLE[printable] ?? 'Unknown';
    message = printable;
  } else if (vmi?.status?.phase) {
    phase = VMI_PHASES[vmi.status.phase] ?? 'Unknown';
    message = vmi.status.phase;
  } else {
    // Just created: KubeVirt's controller has not looked at it yet.
    phase = 'Provisioning';
    message = 'Provisioning';
  }
  if (phase === 'Failed') {
    const detail = failureMessage(vm);
    if (detail) message = `${message}: ${detail}`;
  }
  const ip = vmi?.status?.interfaces?.find(i => i.ipAddress)?.ipAddress;
  const node = vmi?.status?.nodeName;
  return {
    phase,
    ready: phase === 'Running' && vm.status?.ready === true,
    message,
    ...(ip ? { ip } : {}),
    ...(node ? { node } : {}),
  };
}
