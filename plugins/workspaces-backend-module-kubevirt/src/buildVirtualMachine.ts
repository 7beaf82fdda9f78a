import { InputError } from '@backstage/errors';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { checkUsername, firstBootSecretName } from './buildFirstBootSecret';
import {
  ANNOTATION_CREATED_BY,
  ANNOTATION_EXPIRES_AT,
  ANNOTATION_OWNER,
  workspaceLabels,
} from './labels';

/**
 * Where on the cluster a desktop goes.
 *
 * @alpha
 */
export interface VirtualMachineTarget {
  namespace: string;
  storageClassName: string;
}

/** The DataVolume, and PVC, of a desktop's root disk. */
export function rootDiskName(workspaceName: string) {
  return `${workspaceName}-root`;
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
  const rootDisk = rootDiskName(spec.name);
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
        [ANNOTATION_CREATED_BY]: spec.createdBy,
        'desktopmania.io/image': image.name,
        'desktopmania.io/size': size.name,
        ...(spec.expiresAt ? { [ANNOTATION_EXPIRES_AT]: spec.expiresAt } : {}),
        ...monitoring,
      },
    },
    spec: {
      // RerunOnFailure: KubeVirt starts the VM now and restarts it after a
      // crash, but leaves it stopped when its owner shuts it down from inside
      // (the VMI Succeeded); Always would boot it straight back up
      // (kubevirt/kubevirt pkg/virt-controller/watch/vm/vm.go `syncRunStrategy`).
      runStrategy: 'RerunOnFailure',
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
              // An absolute pointer keeps the VNC cursor where the mouse is.
              // The Windows preferences attach one (preferredAutoattachInputDevice
              // in the common-instancetypes bundle); the Linux ones do not. USB,
              // because every guest kernel has usbhid and not all virtio-input
              // (kubevirt/kubevirt staging/src/kubevirt.io/api/core/v1/schema.go `Input`).
              ...(windows
                ? {}
                : {
                    inputs: [
                      { type: 'tablet', bus: 'usb', name: 'tablet' } as const,
                    ],
                  }),
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
