import { buildVirtualMachine } from './buildVirtualMachine';
import { spec } from './__testUtils__/fixtures';

const target = {
  namespace: 'workspaces',
  storageClassName: 'longhorn-desktop',
};

const labels = (name: string) => ({
  'app.kubernetes.io/managed-by': 'desktop-mania',
  'app.kubernetes.io/component': 'desktop',
  'desktopmania.io/workspace': name,
  'backstage.io/kubernetes-id': name,
});

describe('buildVirtualMachine', () => {
  it('builds a Linux desktop from instancetype, preference, DataSource and cloud-init', () => {
    expect(buildVirtualMachine(spec('linux'), target)).toEqual({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: {
        name: 'linux-desk',
        namespace: 'workspaces',
        labels: labels('linux-desk'),
        annotations: {
          'desktopmania.io/owner': 'group:default/team-a',
          'desktopmania.io/created-by': 'user:default/alice',
          'desktopmania.io/image': 'ubuntu-desktop',
          'desktopmania.io/size': 'medium',
          'desktopmania.io/expires-at': '2026-12-01T00:00:00.000Z',
          'vm.kubevirt.io/os': 'linux',
          'vm.kubevirt.io/workload': 'desktop',
          'vm.kubevirt.io/flavor': 'u1.medium',
        },
      },
      spec: {
        runStrategy: 'RerunOnFailure',
        instancetype: {
          kind: 'VirtualMachineClusterInstancetype',
          name: 'u1.medium',
        },
        preference: { kind: 'VirtualMachineClusterPreference', name: 'ubuntu' },
        dataVolumeTemplates: [
          {
            metadata: { name: 'linux-desk-root', labels: labels('linux-desk') },
            spec: {
              sourceRef: {
                kind: 'DataSource',
                name: 'ubuntu-desktop',
                namespace: 'desktop-images',
              },
              storage: {
                storageClassName: 'longhorn-desktop',
                resources: { requests: { storage: '60Gi' } },
              },
            },
          },
        ],
        template: {
          metadata: {
            labels: { ...labels('linux-desk'), 'kubevirt.io/vm': 'linux-desk' },
            annotations: {
              'vm.kubevirt.io/os': 'linux',
              'vm.kubevirt.io/workload': 'desktop',
              'vm.kubevirt.io/flavor': 'u1.medium',
            },
          },
          spec: {
            domain: {
              devices: {
                autoattachGraphicsDevice: true,
                inputs: [{ type: 'tablet', bus: 'usb', name: 'tablet' }],
                disks: [
                  { name: 'rootdisk', bootOrder: 1, disk: {} },
                  { name: 'cloudinit', disk: { bus: 'virtio' } },
                ],
              },
            },
            volumes: [
              { name: 'rootdisk', dataVolume: { name: 'linux-desk-root' } },
              {
                name: 'cloudinit',
                cloudInitNoCloud: {
                  secretRef: { name: 'linux-desk-cloudinit' },
                },
              },
            ],
          },
        },
      },
    });
  });

  it('gives a Windows desktop its answer file on a SATA CD-ROM through sysprep', () => {
    const vm = buildVirtualMachine(spec('windows'), target);
    expect(vm.spec.preference).toEqual({
      kind: 'VirtualMachineClusterPreference',
      name: 'windows.11.virtio',
    });
    expect(vm.spec.template.spec.domain.devices.disks[1]).toEqual({
      name: 'sysprep',
      cdrom: { bus: 'sata' },
    });
    expect(vm.spec.template.spec.volumes[1]).toEqual({
      name: 'sysprep',
      sysprep: { secret: { name: 'windows-desk-sysprep' } },
    });
    expect(vm.metadata.annotations['vm.kubevirt.io/os']).toBe('windows');
    // Its preference attaches a tablet (preferredAutoattachInputDevice).
    expect(vm.spec.template.spec.domain.devices).not.toHaveProperty('inputs');
  });

  it('clones from the desktops namespace when the image names no DataSource namespace, and leaves the preference out when there is none', () => {
    const s = spec('linux');
    s.image = {
      ...s.image,
      dataSource: { name: 'ubuntu' },
      preference: undefined,
    };
    delete s.expiresAt;
    const vm = buildVirtualMachine(s, {
      namespace: 'desks',
      storageClassName: 'fast',
    });
    expect(vm.spec.dataVolumeTemplates[0].spec.sourceRef).toEqual({
      kind: 'DataSource',
      name: 'ubuntu',
      namespace: 'desks',
    });
    expect(vm.spec.dataVolumeTemplates[0].spec.storage.storageClassName).toBe(
      'fast',
    );
    expect(vm.spec).not.toHaveProperty('preference');
    expect(vm.metadata.annotations).not.toHaveProperty(
      'desktopmania.io/expires-at',
    );
  });

  it.each([
    [
      'an image without a DataSource',
      (s: any) => (s.image.dataSource = undefined),
      /Image 'ubuntu-desktop' has no dataSource/,
    ],
    [
      'a size without an instancetype',
      (s: any) => (s.size.instancetype = undefined),
      /Size 'medium' has no KubeVirt instancetype/,
    ],
    [
      'a fractional disk',
      (s: any) => (s.diskGi = 1.5),
      /whole number of GiB, got 1.5/,
    ],
    [
      'an account name the guest refuses',
      (s: any) => (s.username = 'Alice Smith'),
      /cannot be a Linux account name/,
    ],
  ])('refuses %s with an InputError', (_label, change, message) => {
    const s = spec('linux');
    change(s);
    expect(() => buildVirtualMachine(s, target)).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringMatching(message),
      }),
    );
  });
});
