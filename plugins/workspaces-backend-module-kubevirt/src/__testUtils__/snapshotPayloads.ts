/**
 * VirtualMachineSnapshots and VirtualMachineRestores as KubeVirt answers
 * them: the object the provider posted, with the status KubeVirt's snapshot
 * controller writes. Field names are those of kubevirt/kubevirt
 * staging/src/kubevirt.io/api/snapshot/v1beta1/types.go; condition reasons
 * and messages those of pkg/storage/snapshot/snapshot.go ("Source locked and
 * operation in progress", "Not ready", "Operation complete", "snapshot
 * deadline exceeded") and pkg/storage/snapshot/restore.go.
 */

export const SNAPSHOTS =
  '/apis/snapshot.kubevirt.io/v1beta1/namespaces/workspaces';

const at = '2026-12-02T10:00:00Z';
const labels = (workspace: string, snapshot?: string) => ({
  'app.kubernetes.io/managed-by': 'desktop-mania',
  'desktopmania.io/workspace': workspace,
  ...(snapshot ? { 'desktopmania.io/snapshot': snapshot } : {}),
});

const cond = (type: string, status: string, reason: string) => ({
  type,
  status,
  reason,
  lastProbeTime: null,
  lastTransitionTime: at,
});

export type SnapshotPhase = 'none' | 'InProgress' | 'Succeeded' | 'Failed';

/**
 * A VirtualMachineSnapshot of `vm`. `none`: as the API server answers the
 * create, before the controller has seen it (no status at all).
 */
export function vmSnapshotPayload(
  vm: string,
  snapshot: string,
  phase: SnapshotPhase,
  /** Online and NoGuestAgent or GuestAgent for a running VM's (types.go `Indication`). */
  indications: string[] = [],
) {
  const object = {
    apiVersion: 'snapshot.kubevirt.io/v1beta1',
    kind: 'VirtualMachineSnapshot',
    metadata: {
      name: `${vm}-${snapshot}`,
      namespace: 'workspaces',
      uid: `uid-${snapshot}`,
      resourceVersion: '4711',
      creationTimestamp: at,
      labels: labels(vm, snapshot),
    },
    spec: {
      source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: vm },
    },
  };
  if (phase === 'none') return object;
  const base = {
    sourceUID: `uid-${vm}`,
    creationTime: phase === 'Succeeded' ? at : null,
    phase,
    indications,
  };
  const statuses = {
    InProgress: {
      ...base,
      readyToUse: false,
      conditions: [
        cond('Progressing', 'True', 'Source locked and operation in progress'),
        cond('Ready', 'False', 'Not ready'),
      ],
    },
    Succeeded: {
      ...base,
      readyToUse: true,
      virtualMachineSnapshotContentName: `vmsnapshot-content-uid-${snapshot}`,
      conditions: [
        cond('Progressing', 'False', 'Operation complete'),
        cond('Ready', 'True', 'Operation complete'),
      ],
      snapshotVolumes: { includedVolumes: ['root'] },
    },
    Failed: {
      ...base,
      readyToUse: false,
      error: { time: at, message: 'snapshot deadline exceeded' },
      conditions: [
        cond('Progressing', 'False', 'snapshot deadline exceeded'),
        cond('Ready', 'False', 'Not ready'),
        cond('Failure', 'True', 'snapshot deadline exceeded'),
      ],
    },
  };
  const status = statuses[phase];
  return { ...object, status };
}

/** A VirtualMachineRestore of `snapshotName` onto `vm`, complete or still restoring. */
export function vmRestorePayload(
  vm: string,
  name: string,
  snapshotName: string,
  complete: boolean,
) {
  return {
    apiVersion: 'snapshot.kubevirt.io/v1beta1',
    kind: 'VirtualMachineRestore',
    metadata: {
      name,
      namespace: 'workspaces',
      uid: `uid-${name}`,
      labels: labels(vm),
    },
    spec: {
      target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: vm },
      virtualMachineSnapshotName: snapshotName,
    },
    status: complete
      ? {
          complete: true,
          restoreTime: at,
          conditions: [
            cond('Progressing', 'False', 'Operation complete'),
            cond('Ready', 'True', 'Operation complete'),
          ],
        }
      : {
          complete: false,
          conditions: [
            cond('Progressing', 'True', 'Creating new PVCs'),
            cond('Ready', 'False', 'Waiting for new PVCs'),
          ],
        },
  };
}

/** A list answer of the API server. */
export const listPayload = (kind: string, items: object[]) => ({
  apiVersion: 'snapshot.kubevirt.io/v1beta1',
  kind: `${kind}List`,
  metadata: { resourceVersion: '4712' },
  items,
});
