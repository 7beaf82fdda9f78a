import type {
  V1VirtualMachine,
  V1VirtualMachineInstance,
} from '@kubevirt-ui-ext/kubevirt-api/kubevirt';

type Condition = NonNullable<
  NonNullable<V1VirtualMachine['status']>['conditions']
>[number];

/** A VirtualMachine as the API server returns it, with the status KubeVirt's controller writes. */
export function vmPayload(
  name: string,
  printableStatus: string,
  conditions: Condition[] = [],
): V1VirtualMachine {
  const running = printableStatus === 'Running';
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name,
      namespace: 'workspaces',
      uid: `uid-${name}`,
      resourceVersion: '48213',
      generation: 1,
      creationTimestamp: '2026-11-20T09:00:00Z',
      labels: {
        'app.kubernetes.io/managed-by': 'desktop-mania',
        'desktopmania.io/workspace': name,
        'backstage.io/kubernetes-id': name,
      },
      annotations: {
        'desktopmania.io/owner': 'user:default/alice',
        'kubevirt.io/latest-observed-api-version': 'v1',
      },
      finalizers: ['kubevirt.io/virtualMachineControllerFinalize'],
    },
    spec: {
      runStrategy: printableStatus === 'Stopped' ? 'Halted' : 'Always',
      instancetype: {
        kind: 'virtualmachineclusterinstancetype',
        name: 'u1.medium',
        revisionName: `${name}-u1.medium-1`,
      },
      template: { spec: { domain: { devices: {} } } },
    },
    status: {
      printableStatus,
      ready: running,
      created: printableStatus !== 'Stopped',
      volumeSnapshotStatuses: [
        { name: 'rootdisk', enabled: false, reason: 'No VolumeSnapshotClass' },
      ],
      conditions: [
        {
          type: 'Ready',
          status: running ? 'True' : 'False',
          lastProbeTime: null,
          lastTransitionTime: '2026-11-20T09:01:00Z',
          ...(running
            ? {}
            : { reason: 'VMINotExists', message: 'VMI does not exist' }),
        },
        ...conditions,
      ],
    },
  } as V1VirtualMachine;
}

/** A running VirtualMachineInstance with its pod network address. */
export function vmiPayload(
  name: string,
  nodeName: string,
  ipAddress: string,
  phase = 'Running',
): V1VirtualMachineInstance {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      name,
      namespace: 'workspaces',
      uid: `vmi-uid-${name}`,
      labels: {
        'app.kubernetes.io/managed-by': 'desktop-mania',
        'kubevirt.io/nodeName': nodeName,
      },
      ownerReferences: [
        {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachine',
          name,
          uid: `uid-${name}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { domain: { devices: {} } },
    status: {
      phase,
      nodeName,
      guestOSInfo: {},
      interfaces: [
        {
          name: 'default',
          ipAddress,
          ipAddresses: [ipAddress],
          mac: '02:5e:4a:00:00:01',
          infoSource: 'domain, guest-agent',
        },
      ],
    },
  } as V1VirtualMachineInstance;
}

/** A Kubernetes `Status` failure body, as the API server sends with 4xx and 5xx. */
export function statusPayload(
  code: number,
  reason: string,
  message: string,
  details: object = {},
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  };
}
