import type { V1beta1DataVolume } from '@kubevirt-ui-ext/kubevirt-api/containerized-data-importer';
import type {
  V1VirtualMachine,
  V1VirtualMachineInstance,
} from '@kubevirt-ui-ext/kubevirt-api/kubevirt';

type Condition = NonNullable<
  NonNullable<V1VirtualMachine['status']>['conditions']
>[number];

/**
 * A VirtualMachine as the API server returns it, with the status KubeVirt's
 * controller writes (kubevirt/kubevirt pkg/virt-controller/watch/vm/vm.go
 * `updateStatus`: `Ready` always, the VMI's conditions copied after it).
 */
export function vmPayload(
  name: string,
  printableStatus: string,
  conditions: Condition[] = [],
  status: NonNullable<V1VirtualMachine['status']> = {},
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
      runStrategy: 'RerunOnFailure',
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
      ...status,
    },
  } as V1VirtualMachine;
}

/** A VirtualMachineInstance with its pod network address, running unless told. */
export function vmiPayload(
  name: string,
  nodeName: string,
  ipAddress: string,
  phase = 'Running',
  status: NonNullable<V1VirtualMachineInstance['status']> = {},
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
      ...status,
    },
  } as V1VirtualMachineInstance;
}

/**
 * A desktop's root disk as CDI reports it (kubevirt/containerized-data-importer
 * pkg/controller/datavolume/conditions.go keeps Bound, Ready and Running).
 */
export function dataVolumePayload(
  name: string,
  status: NonNullable<V1beta1DataVolume['status']>,
): V1beta1DataVolume {
  return {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: {
      name,
      namespace: 'workspaces',
      uid: `dv-uid-${name}`,
      annotations: { 'cdi.kubevirt.io/allowClaimAdoption': 'true' },
      ownerReferences: [
        {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachine',
          name: name.replace(/-root$/, ''),
          uid: `uid-${name.replace(/-root$/, '')}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      source: { pvc: { name: 'ubuntu-desktop', namespace: 'desktop-images' } },
      storage: {
        storageClassName: 'longhorn-desktop',
        resources: { requests: { storage: '60Gi' } },
      },
    },
    status,
  } as V1beta1DataVolume;
}

/**
 * What the API server answers a VM POST with: the object as stored, after
 * KubeVirt's mutating webhook gave it a firmware UUID and serial and its
 * defaults (kubevirt/kubevirt pkg/virt-api/webhooks/mutating-webhook/mutators/vm-mutator.go),
 * and without a status, which the controller writes later.
 */
export function createdVmPayload(body: any, uid: string) {
  return {
    ...body,
    metadata: {
      ...body.metadata,
      uid,
      resourceVersion: '48101',
      generation: 1,
      creationTimestamp: '2026-11-20T09:00:00Z',
      annotations: {
        ...body.metadata.annotations,
        'kubevirt.io/latest-observed-api-version': 'v1',
        'kubevirt.io/storage-observed-api-version': 'v1',
      },
    },
    spec: {
      ...body.spec,
      template: {
        ...body.spec.template,
        spec: {
          ...body.spec.template.spec,
          architecture: 'amd64',
          domain: {
            ...body.spec.template.spec.domain,
            firmware: {
              serial: '0b6b5a47-8f3c-4d0e-9a51-2a7c9e1f4d38',
              uuid: 'c1d4e7a2-3b5f-4e69-8d0c-7f2a1b9e6c45',
            },
          },
        },
      },
    },
  };
}

/** A Secret POST answered by the API server: stringData folded into base64 data. */
export function createdSecretPayload(body: any, uid: string) {
  const { stringData, ...rest } = body;
  return {
    ...rest,
    metadata: {
      ...body.metadata,
      uid,
      resourceVersion: '48100',
      creationTimestamp: '2026-11-20T09:00:00Z',
    },
    data: Object.fromEntries(
      Object.entries(stringData ?? {}).map(([k, v]) => [
        k,
        Buffer.from(String(v)).toString('base64'),
      ]),
    ),
  };
}

/**
 * A DELETE of an object that goes at once, such as a Secret: a success
 * Status naming it (k8s.io/apiserver pkg/registry/generic/registry/store.go
 * `Delete`, unless the store returns the deleted object).
 */
export function deletedPayload(kind: string, name: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, kind, uid: `uid-${name}` },
  };
}

/** A VM DELETE: the VM as it now is, going, with KubeVirt's finalizer holding it. */
export function deletingVmPayload(name: string, propagation: string) {
  const vm = vmPayload(name, 'Terminating');
  return {
    ...vm,
    metadata: {
      ...vm.metadata,
      deletionTimestamp: '2026-11-20T11:00:00Z',
      deletionGracePeriodSeconds: 0,
      finalizers: [
        ...(propagation === 'Foreground' ? ['foregroundDeletion'] : []),
        'kubevirt.io/virtualMachineControllerFinalize',
      ],
    },
  };
}

/**
 * A VM after a JSON merge patch of its annotations, as the API server answers
 * it: 200 with the whole object as stored, the annotations merged in and a
 * new resourceVersion (kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go
 * `patchResource`, merge patches through `jsonPatcher`). Metadata alone does
 * not move `generation`, which counts spec changes (kubernetes/kubernetes
 * staging/src/k8s.io/apiextensions-apiserver/pkg/registry/customresource/strategy.go
 * `PrepareForUpdate`).
 */
export function mergePatchedVmPayload(
  name: string,
  annotations: Record<string, string>,
) {
  const vm = vmPayload(name, 'Running');
  return {
    ...vm,
    metadata: {
      ...vm.metadata,
      resourceVersion: '48377',
      annotations: { ...vm.metadata!.annotations, ...annotations },
    },
  };
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
