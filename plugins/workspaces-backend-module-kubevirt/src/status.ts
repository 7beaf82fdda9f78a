import type {
  WorkspacePhase,
  WorkspaceStatus,
} from '@desktop-mania/plugin-workspaces-common';
import type { DiskReport } from './dataVolumeStatus';
import type {
  Condition,
  VirtualMachineInstanceObject,
  VirtualMachineObject,
} from './objects';
import { viewOf, VMI_PHASES } from './printableStatus';

/**
 * The conditions that say why a desktop is not running, most specific
 * first. The VM controller copies the VMI's conditions onto the VM
 * (kubevirt/kubevirt pkg/virt-controller/watch/vm/vm.go `syncConditions`);
 * both are read, the VM's first.
 */
const CAUSES: Array<{ type: string; status: string }> = [
  // The VM controller could not act, e.g. the image's DataSource is missing
  // (vm.go `processFailureCondition`).
  { type: 'Failure', status: 'True' },
  // The VMI controller could not act, e.g. FailedCreate of the launcher pod
  // over a ResourceQuota (pkg/controller/conditions.go `CheckFailure`).
  { type: 'Synchronized', status: 'False' },
  // Copied from the launcher pod: no node fits it.
  { type: 'PodScheduled', status: 'False' },
  { type: 'Paused', status: 'True' },
  { type: 'DataVolumesReady', status: 'False' },
  { type: 'Ready', status: 'False' },
];

// Ready=False reasons that only restate that there is no instance
// (vm.go `syncReadyConditionFromVMI`).
const NOT_A_CAUSE = ['VMINotExists', 'VMIConditionMissing'];

// What virt-handler writes as the Paused condition's reason (pkg/virt-handler/vm.go).
const PAUSED_BECAUSE: Record<string, string> = {
  PausedIOError:
    'Paused after its disk failed a read or write: KubeVirt stops the guest so that it loses no data. Ask the cluster admins to check its storage, then restart it.',
  PausedByUser:
    'Paused by someone with access to the cluster. Restart it, or ask them to unpause it.',
};

function conditionsOf(
  vm: Pick<VirtualMachineObject, 'status'>,
  vmi?: Pick<VirtualMachineInstanceObject, 'status'>,
): Condition[] {
  return [...(vm.status?.conditions ?? []), ...(vmi?.status?.conditions ?? [])];
}

function causeIn(conditions: Condition[]): string | undefined {
  for (const wanted of CAUSES) {
    const found = conditions.find(
      c =>
        c.type === wanted.type &&
        c.status === wanted.status &&
        c.message?.trim() &&
        !NOT_A_CAUSE.includes(c.reason ?? ''),
    );
    if (found) return found.message!.trim();
  }
  return undefined;
}

function backoffNote(vm: Pick<VirtualMachineObject, 'status'>) {
  const failure = vm.status?.startFailure;
  if (!failure?.consecutiveFailCount) return undefined;
  return `${failure.consecutiveFailCount} failed starts in a row${
    failure.retryAfterTimestamp
      ? `; next try after ${failure.retryAfterTimestamp}`
      : ''
  }`;
}

/**
 * A desktop's status from its VM and, while it has one, its VMI. Every
 * phase but Running says what the owner can do, and why when KubeVirt, the
 * scheduler or CDI (`disk`, from the root disk's DataVolume) tells.
 */
export function statusOf(
  vm: Pick<VirtualMachineObject, 'status'>,
  vmi?: Pick<VirtualMachineInstanceObject, 'status'>,
  disk: DiskReport = {},
): WorkspaceStatus {
  const printable = vm.status?.printableStatus;
  const conditions = conditionsOf(vm, vmi);
  let phase: WorkspacePhase;
  let sentence: string;
  if (printable) {
    ({ phase, sentence } = viewOf(printable));
    if (printable === 'Paused') {
      const paused = conditions.find(
        c => c.type === 'Paused' && c.status === 'True',
      );
      sentence = PAUSED_BECAUSE[paused?.reason ?? ''] ?? sentence;
    }
  } else if (vmi?.status?.phase) {
    // The VM controller has not looked at the VM since its instance changed.
    phase = VMI_PHASES[vmi.status.phase] ?? 'Unknown';
    sentence =
      phase === 'Running'
        ? 'Running'
        : `Its instance is ${vmi.status.phase}; KubeVirt has not summed up the desktop yet.`;
  } else {
    phase = 'Provisioning';
    sentence = 'Created; KubeVirt has not picked it up yet.';
  }

  let message = sentence;
  if (phase !== 'Running') {
    if (disk.progress) message += ` Disk ${disk.progress} copied.`;
    const cause = [disk.problem ?? causeIn(conditions), backoffNote(vm)]
      .filter(Boolean)
      .join('; ');
    if (cause) message += ` Cause: ${cause}`;
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
