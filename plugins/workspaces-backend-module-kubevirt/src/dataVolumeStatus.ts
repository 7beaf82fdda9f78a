import type { DataVolumeObject } from './objects';

/** What the root disk's DataVolume adds to a desktop's status. */
export interface DiskReport {
  /** Why CDI cannot make the disk, in its words. */
  problem?: string;
  /** How much of the image is copied, e.g. `45.20%`. */
  progress?: string;
}

// Reasons CDI writes while all goes well (kubevirt/containerized-data-importer
// pkg/controller/datavolume/conditions.go; "Pending", "Completed" and
// "Populator is running" from pkg/controller/populators/clone-populator.go
// `addRunningAnnotations`; "Pod is running" and "Scratch space required",
// which CDI resolves itself, from pkg/controller/util.go).
const ON_TRACK = [
  '',
  'Bound',
  'Pending',
  'TransferRunning',
  'Completed',
  'Populator is running',
  'Pod is running',
  'Scratch space required',
];

/**
 * The problem a DataVolume reports, looking at the conditions CDI keeps
 * (`Running`, `Bound`, `Ready`; CDI staging/.../core/v1beta1/types.go), and
 * its progress. KubeVirt's own test is narrower (only Running=False with
 * reason Error or ImagePullFailed, kubevirt/kubevirt pkg/storage/types/dv.go
 * `HasDataVolumeErrors`): an exceeded storage quota or a missing source
 * leaves the VM in Provisioning without a word.
 */
export function diskReport(dv: DataVolumeObject): DiskReport {
  const conditions = dv.status?.conditions ?? [];
  const trouble = ['Running', 'Bound', 'Ready']
    .map(type =>
      conditions.find(
        c =>
          c.type === type &&
          c.status !== 'True' &&
          c.message?.trim() &&
          !ON_TRACK.includes(c.reason ?? ''),
      ),
    )
    .find(Boolean);
  const progress = dv.status?.progress;
  const report: DiskReport = {};
  if (trouble) report.problem = trouble.message!.trim();
  else if (dv.status?.phase === 'Failed') {
    report.problem = `CDI marked its DataVolume ${dv.metadata.name} Failed`;
  }
  // CDI writes N/A when it cannot tell, e.g. for CSI and snapshot clones.
  if (progress && /^\d+(\.\d+)?%$/.test(progress)) report.progress = progress;
  return report;
}
