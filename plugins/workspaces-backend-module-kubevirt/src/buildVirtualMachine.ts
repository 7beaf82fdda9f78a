import { randomBytes } from 'crypto';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import type { KubeVirtCluster } from './clusters';

export const MANAGED_BY = 'desktop-mania';
export const LABEL_WORKSPACE = 'desktopmania.io/workspace';
export const ANNOTATION_OWNER = 'desktopmania.io/owner';

/** A password only the first-boot Secret holds. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

function labels(spec: WorkspaceCreateSpec) {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/component': 'desktop',
    [LABEL_WORKSPACE]: spec.name,
    // The Kubernetes plugin finds the VM and its pod by this label.
    'backstage.io/kubernetes-id': spec.name,
  };
}

function escapeXml(value: string) {
  return value.replace(/[<>&'"]/g, c => `&#${c.charCodeAt(0)};`);
}

/** cloud-init user data that creates the owner's account. */
export function cloudInitUserData(username: string, password: string): string {
  return [
    '#cloud-config',
    'users:',
    `  - name: ${username}`,
    '    groups: [sudo]',
    '    shell: /bin/bash',
    '    lock_passwd: false',
    'chpasswd:',
    '  expire: false',
    '  users:',
    `    - name: ${username}`,
    `      password: ${password}`,
    '      type: text',
    'ssh_pwauth: false',
    '',
  ].join('\n');
}

/** A Windows answer file that creates the owner's local administrator account. */
export function sysprepUnattend(username: string, password: string, computerName: string): string {
  const user = escapeXml(username);
  const pass = escapeXml(password);
  return `<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend" xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">
  <settings pass="specialize">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <ComputerName>${escapeXml(computerName.slice(0, 15))}</ComputerName>
    </component>
  </settings>
  <settings pass="oobeSystem">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <OOBE>
        <HideEULAPage>true</HideEULAPage>
        <HideOnlineAccountScreens>true</HideOnlineAccountScreens>
        <HideWirelessSetupInOOBE>true</HideWirelessSetupInOOBE>
        <ProtectYourPC>3</ProtectYourPC>
      </OOBE>
      <UserAccounts>
        <LocalAccounts>
          <LocalAccount wcm:action="add">
            <Name>${user}</Name>
            <Group>Administrators</Group>
            <Password><Value>${pass}</Value><PlainText>true</PlainText></Password>
          </LocalAccount>
        </LocalAccounts>
      </UserAccounts>
    </component>
  </settings>
</unattend>
`;
}

/** The Secret that carries first-boot configuration; it is owned by the VM once that exists. */
export function buildFirstBootSecret(spec: WorkspaceCreateSpec, cluster: KubeVirtCluster, password: string) {
  const windows = spec.image.os === 'windows';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `${spec.name}-${windows ? 'sysprep' : 'cloudinit'}`,
      namespace: cluster.namespace,
      labels: labels(spec),
    },
    type: 'Opaque',
    stringData: windows
      ? {
          'unattend.xml': sysprepUnattend(spec.username, password, spec.name),
          'autounattend.xml': sysprepUnattend(spec.username, password, spec.name),
        }
      : { userdata: cloudInitUserData(spec.username, password) },
  };
}

/** The `kubevirt.io/v1` VirtualMachine of one desktop. */
export function buildVirtualMachine(spec: WorkspaceCreateSpec, cluster: KubeVirtCluster) {
  const windows = spec.image.os === 'windows';
  if (!spec.image.dataSource) {
    throw new Error(`Image '${spec.image.name}' has no dataSource configured for KubeVirt`);
  }
  if (!spec.size.instancetype) {
    throw new Error(`Size '${spec.size.name}' has no instancetype configured for KubeVirt`);
  }
  const secret = buildFirstBootSecret(spec, cluster, '').metadata.name;
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name: spec.name,
      namespace: cluster.namespace,
      labels: labels(spec),
      annotations: {
        [ANNOTATION_OWNER]: spec.owner,
        'desktopmania.io/created-by': spec.createdBy,
        'desktopmania.io/image': spec.image.name,
        'desktopmania.io/size': spec.size.name,
        ...(spec.expiresAt ? { 'desktopmania.io/expires-at': spec.expiresAt } : {}),
        'vm.kubevirt.io/os': spec.image.os,
        'vm.kubevirt.io/workload': 'desktop',
        'vm.kubevirt.io/flavor': spec.size.instancetype,
      },
    },
    spec: {
      runStrategy: 'Always',
      instancetype: { kind: 'VirtualMachineClusterInstancetype', name: spec.size.instancetype },
      ...(spec.image.preference
        ? { preference: { kind: 'VirtualMachineClusterPreference', name: spec.image.preference } }
        : {}),
      dataVolumeTemplates: [
        {
          metadata: { name: `${spec.name}-root`, labels: labels(spec) },
          spec: {
            sourceRef: {
              kind: 'DataSource',
              name: spec.image.dataSource.name,
              ...(spec.image.dataSource.namespace ? { namespace: spec.image.dataSource.namespace } : {}),
            },
            storage: {
              storageClassName: cluster.storageClassName,
              resources: { requests: { storage: `${spec.diskGi}Gi` } },
            },
          },
        },
      ],
      template: {
        metadata: { labels: { ...labels(spec), 'kubevirt.io/vm': spec.name } },
        spec: {
          domain: {
            devices: {
              autoattachGraphicsDevice: true,
              disks: [
                { name: 'rootdisk', bootOrder: 1 },
                windows
                  ? { name: 'sysprep', cdrom: { bus: 'sata' } }
                  : { name: 'cloudinit', disk: { bus: 'virtio' } },
              ],
            },
          },
          volumes: [
            { name: 'rootdisk', dataVolume: { name: `${spec.name}-root` } },
            windows
              ? { name: 'sysprep', sysprep: { secret: { name: secret } } }
              : { name: 'cloudinit', cloudInitNoCloud: { secretRef: { name: secret } } },
          ],
        },
      },
    },
  };
}
