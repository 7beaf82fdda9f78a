import type { WorkspacePhase, WorkspaceStatus } from '@desktop-mania/plugin-workspaces-common';

/** The parts of a VirtualMachine and its instance the status is read from. */
export interface VmLike {
  status?: {
    printableStatus?: string;
    ready?: boolean;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}
export interface VmiLike {
  status?: {
    phase?: string;
    nodeName?: string;
    interfaces?: Array<{ ipAddress?: string }>;
  };
}

const PHASES: Record<string, WorkspacePhase> = {
  Running: 'Running',
  Paused: 'Running',
  Migrating: 'Running',
  Stopped: 'Stopped',
  Provisioning: 'Provisioning',
  WaitingForVolumeBinding: 'Provisioning',
  WaitingForReceiver: 'Provisioning',
  Starting: 'Starting',
  Stopping: 'Stopping',
  Terminating: 'Terminating',
  CrashLoopBackOff: 'Failed',
  ErrorUnschedulable: 'Failed',
  ErrImagePull: 'Failed',
  ImagePullBackOff: 'Failed',
  ErrorPvcNotFound: 'Failed',
  ErrorDataVolumeNotFound: 'Failed',
  DataVolumeError: 'Failed',
};

/** A desktop's status from its VM and, when it runs, its VMI. */
export function statusOf(vm: VmLike, vmi?: VmiLike): WorkspaceStatus {
  const printable = vm.status?.printableStatus ?? 'Unknown';
  const phase = PHASES[printable] ?? 'Unknown';
  const failure = vm.status?.conditions?.find(
    c => c.status === 'False' && c.message && ['Ready', 'Failure'].includes(c.type) && phase === 'Failed',
  );
  const ip = vmi?.status?.interfaces?.find(i => i.ipAddress)?.ipAddress;
  return {
    phase,
    ready: phase === 'Running' && vm.status?.ready === true,
    message: failure?.message ? `${printable}: ${failure.message}` : printable,
    ...(ip ? { ip } : {}),
    ...(vmi?.status?.nodeName ? { node: vmi.status.nodeName } : {}),
  };
}
