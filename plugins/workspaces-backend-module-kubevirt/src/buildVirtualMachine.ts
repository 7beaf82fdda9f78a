import { InputError } from '@backstage/errors';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { checkUsername, firstBootSecretName } from './buildFirstBootSecret';
import { ANNOTATION_OWNER, workspaceLabels } from './labels';

/**
 * Where on the cluster a desktop goes.
 *
 * @alpha
 */
export interface VirtualMachineTarget {
  namespace: string;
  storageClassName: string;
}

/**
 * The `kubevirt.io/v1` VirtualMachine of one desktop: sized by a cluster
 * instancetype, tuned by a cluster preference, booting a root disk cloned
 * from a curated DataSource, with the owner's account made at first boot.
 *
 * @alpha
 */
export function buildVirtualMachine(
  spec: WorkspaceCreateSpec,
  target: VirtualMachineTarget,
) {
  const { image, size } = spec;
  if (!image.dataSource) {
    throw new InputError(
      `Image '${image.name}' has no dataSource to clone desktops from on KubeVirt`,
    );
  }
  if (!size.instancetype) {
    throw new InputError(`Size '${size.name}' has no KubeVirt instancetype`);
  }
  if (!Number.isInteger(spec.diskGi) || spec.diskGi < 1) {
    throw new InputError(
      `The disk size must be a whole number of GiB, got ${spec.diskGi}`,
    );
  }
  checkUsername(image.os, spec.username);
  const windows = image.os === 'windows';
  const labels = workspaceLabels(spec.name);
  const rootDisk = `${spec.name}-root`;
  const secretName = firstBootSecretName(spec);
  // On the VMI too: KubeVirt copies these onto kubevirt_vmi_info.
  const monitoring = {
    'vm.kubevirt.io/os': image.os,
    'vm.kubevirt.io/workload': 'desktop',
    'vm.kubevirt.io/flavor': size.instancetype,
  };

  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name: spec.name,
      namespace: target.namespace,
      labels,
      annotations: {
        [ANNOTATION_OWNER]: spec.owner,
        'desktopmania.io/created-by': spec.createdBy,
        'desktopmania.io/image': image.name,
        'desktopmania.io/size': size.name,
        ...(spec.expiresAt
          ? { 'desktopmania.io/expires-at': spec.expiresAt }
          : {}),
        ...monitoring,
      },
    },
    spec: {
      runStrategy: 'Always',
      instancetype: {
        kind: 'VirtualMachineClusterInstancetype',
        name: size.instancetype,
      },
      ...(image.preference
        ? {
            preference: {
              kind: 'VirtualMachineClusterPreference',
              name: image.preference,
            },
          }
        : {}),
      dataVolumeTemplates: [
        {
          metadata: { name: rootDisk, labels },
          spec: {
            sourceRef: {
              kind: 'DataSource',
              name: image.dataSource.name,
              namespace: image.dataSource.namespace ?? target.namespace,
            },
            storage: {
              storageClassName: target.storageClassName,
              resources: { requests: { storage: `${spec.diskGi}Gi` } },
            },
          },
        },
      ],
      template: {
        metadata: {
          labels: { ...labels, 'kubevirt.io/vm': spec.name },
          annotations: monitoring,
        },
        spec: {
          domain: {
            devices: {
              // The console is the VNC of this graphics device.
              autoattachGraphicsDevice: true,
              // Without a bus, the preference picks it (virtio, or SATA for older guests).
              disks: [
                { name: 'rootdisk', bootOrder: 1, disk: {} },
                windows
                  ? { name: 'sysprep', cdrom: { bus: 'sata' } }
                  : { name: 'cloudinit', disk: { bus: 'virtio' } },
              ],
            },
          },
          volumes: [
            { name: 'rootdisk', dataVolume: { name: rootDisk } },
            windows
              ? { name: 'sysprep', sysprep: { secret: { name: secretName } } }
              : {
                  name: 'cloudinit',
                  cloudInitNoCloud: { secretRef: { name: secretName } },
                },
          ],
        },
      },
    },
  };
}
