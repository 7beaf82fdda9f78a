import type { WorkspacePhase } from '@desktop-mania/plugin-workspaces-common';

/** How the portal shows one state of a VM: its phase, and what to do about it. */
export interface PrintableStatusView {
  phase: WorkspacePhase;
  /** A sentence for the desktop's owner; the cause KubeVirt gives is added to it. */
  sentence: string;
}

/**
 * Every `VirtualMachinePrintableStatus` KubeVirt writes (kubevirt/kubevirt
 * staging/src/kubevirt.io/api/core/v1/types.go; the controller picks one in
 * pkg/virt-controller/watch/vm/vm.go `setPrintableStatus`). There is no
 * `ErrorDataVolumeNotFound`: KubeVirt dropped it in v0.57 (commit ef62cbfd13,
 * "Support DV garbage collection"), so it reads as an unknown status.
 */
export const PRINTABLE_STATUSES: Record<string, PrintableStatusView> = {
  Stopped: {
    phase: 'Stopped',
    sentence: 'Stopped; its disk is kept. Start it to use it again.',
  },
  Provisioning: {
    phase: 'Provisioning',
    sentence:
      'Preparing its disk from the image; it starts by itself once the disk is ready.',
  },
  WaitingForVolumeBinding: {
    phase: 'Provisioning',
    sentence:
      'Waiting for the storage to provide its disk; it starts by itself once the disk is bound.',
  },
  Starting: {
    phase: 'Starting',
    sentence: 'Starting: finding a node for it and booting it.',
  },
  Running: { phase: 'Running', sentence: 'Running' },
  // The guest runs on while KubeVirt moves it; only the console drops once.
  Migrating: {
    phase: 'Running',
    sentence:
      'Running, while moving to another node; the console reconnects when the move is done.',
  },
  // KubeVirt pauses a guest whose disk failed an I/O (virt-handler vm.go,
  // reason PausedIOError); it holds its node but cannot be used until restarted.
  Paused: {
    phase: 'Failed',
    sentence:
      'Paused, so it does not respond. Restart it; if it pauses again, ask the cluster admins to check its disk and storage.',
  },
  Stopping: { phase: 'Stopping', sentence: 'Shutting down.' },
  Terminating: {
    phase: 'Terminating',
    sentence: 'Being deleted, with its disk.',
  },
  CrashLoopBackOff: {
    phase: 'Failed',
    sentence:
      'It failed to start several times in a row; KubeVirt tries again after longer and longer pauses. Stop and start it, or give the cluster admins the cause.',
  },
  ErrorUnschedulable: {
    phase: 'Failed',
    sentence:
      'No node can run it now. It starts by itself when one has room; otherwise stop it, or order a smaller size.',
  },
  ErrImagePull: {
    phase: 'Failed',
    sentence:
      'The cluster could not download an image the desktop needs. Ask the cluster admins to check the image registry.',
  },
  ImagePullBackOff: {
    phase: 'Failed',
    sentence:
      'The cluster could not download an image the desktop needs and waits before trying again. Ask the cluster admins to check the image registry.',
  },
  ErrorPvcNotFound: {
    phase: 'Failed',
    sentence:
      'Its disk is missing, so it cannot start. Ask the cluster admins to restore it, or delete this desktop and order a new one.',
  },
  DataVolumeError: {
    phase: 'Failed',
    sentence:
      'Its disk could not be made from the image. Delete this desktop and order a new one; if that fails too, give the cluster admins the cause.',
  },
  // Only a VM with runStrategy WaitAsReceiver, the target of a migration
  // from another cluster, is in this state; the portal makes none.
  WaitingForReceiver: {
    phase: 'Starting',
    sentence: 'Waiting to receive a running desktop from another cluster.',
  },
  Unknown: {
    phase: 'Unknown',
    sentence:
      'KubeVirt cannot tell its state, usually because its node does not answer. Wait a few minutes; if it stays so, ask the cluster admins to check the node.',
  },
};

/** The view of a printable status, including ones newer than this module. */
export function viewOf(printableStatus: string): PrintableStatusView {
  return (
    PRINTABLE_STATUSES[printableStatus] ?? {
      phase: 'Unknown',
      sentence: `KubeVirt reports '${printableStatus}', a state this portal does not know. Ask the cluster admins what it means.`,
    }
  );
}

/**
 * VMI phases, for a VM whose controller has not written a printable status
 * yet (kubevirt/kubevirt staging/src/kubevirt.io/api/core/v1/types.go
 * `VirtualMachineInstancePhase`).
 */
export const VMI_PHASES: Record<string, WorkspacePhase> = {
  Pending: 'Starting',
  Scheduling: 'Starting',
  Scheduled: 'Starting',
  Running: 'Running',
  Succeeded: 'Stopped',
  Failed: 'Failed',
  WaitingForSync: 'Starting',
  Unknown: 'Unknown',
};

/** The printable statuses during which the root disk's DataVolume explains more. */
export const DISK_STATUSES = [
  'Provisioning',
  'WaitingForVolumeBinding',
  'DataVolumeError',
];
