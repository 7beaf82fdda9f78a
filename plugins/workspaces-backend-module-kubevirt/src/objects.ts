/** A condition as KubeVirt and CDI write them on their objects. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The parts of a VirtualMachine this module reads back. */
export interface VirtualMachineObject {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  status?: {
    printableStatus?: string;
    ready?: boolean;
    conditions?: Condition[];
    /** Set while KubeVirt backs off restarting a VM whose instance keeps failing. */
    startFailure?: {
      consecutiveFailCount?: number;
      retryAfterTimestamp?: string;
    };
  };
}

/** The parts of a VirtualMachineInstance this module reads back. */
export interface VirtualMachineInstanceObject {
  metadata: { name: string; deletionTimestamp?: string };
  status?: {
    phase?: string;
    nodeName?: string;
    reason?: string;
    conditions?: Condition[];
    interfaces?: Array<{ ipAddress?: string }>;
    migrationState?: {
      startTimestamp?: string;
      endTimestamp?: string;
      completed?: boolean;
      failed?: boolean;
    };
  };
}

/** The parts of a CDI DataVolume (the desktop's root disk) this module reads. */
export interface DataVolumeObject {
  metadata: { name: string };
  status?: {
    phase?: string;
    /** e.g. `45.20%`, or `N/A` while CDI cannot tell. */
    progress?: string;
    conditions?: Condition[];
  };
}

/** What `GET /apis/subresources.kubevirt.io/v1/version` answers. */
export interface KubeVirtVersionInfo {
  gitVersion?: string;
}
