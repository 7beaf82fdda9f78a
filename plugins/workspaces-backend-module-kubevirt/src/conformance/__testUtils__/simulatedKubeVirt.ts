import {
  conflict,
  deniedByWebhook,
  exceededQuota,
  notFound,
} from '../../__testUtils__/refusals';
import { storageBytes } from '../settings';
import { inNamespace, objectKey, put, type Store } from './simulatedStore';
import type { SimulatedVnc } from './simulatedVnc';

/** An answer of the simulated API server: a status and a JSON body, if any. */
export interface Answer {
  status: number;
  body?: unknown;
}

const vmKey = (namespace: string | undefined, name: string) =>
  objectKey('kubevirt.io', namespace, 'virtualmachines', name);
const vmiKey = (namespace: string | undefined, name: string) =>
  objectKey('kubevirt.io', namespace, 'virtualmachineinstances', name);
const clusterObject = (store: Store, resource: string, name: string) =>
  store.get(objectKey('instancetype.kubevirt.io', undefined, resource, name));

/**
 * KubeVirt and CDI as the suite expects them to act on a VM, each reduced to
 * its outcome: virt-api's admission and lifecycle subresources, the VM
 * controller's first pass (a missing DataSource, a disk below its source,
 * an exhausted storage quota, a running instance) and the garbage
 * collection of what a VM owns.
 */
export class SimulatedKubeVirt {
  constructor(
    private readonly store: Store,
    private readonly vnc: SimulatedVnc,
  ) {}

  /** virt-api's validating webhook on a preference the instancetype falls short of. */
  admit(vm: any): Answer | undefined {
    const preference = vm.spec.preference?.name;
    if (!preference) return undefined;
    const needs = clusterObject(
      this.store,
      'virtualmachineclusterpreferences',
      preference,
    )?.spec.requirements?.cpu?.guest;
    const has = clusterObject(
      this.store,
      'virtualmachineclusterinstancetypes',
      vm.spec.instancetype.name,
    )?.spec.cpu.guest;
    if (!(needs > has)) return undefined;
    return {
      status: 422,
      body: deniedByWebhook(
        'virtualmachine-validator.kubevirt.io',
        `failure checking preference requirements: insufficient CPU resources of ${has} vCPU provided by instance type, preference requires ${needs} vCPU`,
      ),
    };
  }

  private startInstance(vm: any) {
    const { namespace, name } = vm.metadata;
    this.vnc.closeViewer(namespace, name);
    put(this.store, vmiKey(namespace, name), {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name, namespace, labels: vm.spec.template.metadata.labels },
      status: {
        phase: 'Running',
        nodeName: 'worker-1',
        interfaces: [{ ipAddress: '10.42.0.7' }],
      },
    });
    vm.status = { printableStatus: 'Running', ready: true };
  }

  /** The VM controller's first pass over a new VM, reduced to its outcome. */
  reconcile(vm: any) {
    const { namespace } = vm.metadata;
    const template = vm.spec.dataVolumeTemplates[0];
    const ref = template.spec.sourceRef;
    const dataSource = this.store.get(
      objectKey('cdi.kubevirt.io', ref.namespace, 'datasources', ref.name),
    );
    if (!dataSource) {
      vm.status = {
        printableStatus: 'Provisioning',
        conditions: [
          {
            type: 'Failure',
            status: 'True',
            reason: 'FailedCreate',
            message: `Error encountered while creating DataVolumes: datasources.cdi.kubevirt.io "${ref.name}" not found`,
          },
        ],
      };
      return;
    }
    const { pvc } = dataSource.spec.source;
    const source = this.store.get(
      objectKey('', pvc.namespace, 'persistentvolumeclaims', pvc.name),
    );
    const wanted = template.spec.storage.resources.requests.storage;
    const disk = template.metadata.name;
    const dataVolume = put(
      this.store,
      objectKey('cdi.kubevirt.io', namespace, 'datavolumes', disk),
      {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: {
          name: disk,
          namespace,
          labels: template.metadata.labels,
          ownerReferences: [{ kind: 'VirtualMachine', uid: vm.metadata.uid }],
        },
        spec: template.spec,
        status: {},
      },
    );
    const bad = (reason: string, message: string) => {
      dataVolume.status = {
        phase: 'Pending',
        progress: 'N/A',
        conditions: [
          { type: 'Bound', status: 'False', reason, message },
          { type: 'Ready', status: 'False', reason, message },
          { type: 'Running', status: 'False' },
        ],
      };
      vm.status = { printableStatus: 'Provisioning' };
    };
    if (
      storageBytes(wanted) <
      storageBytes(source.spec.resources.requests.storage)
    ) {
      bad(
        'CloneValidationFailed',
        'target resources requests storage size is smaller than the source',
      );
      return;
    }
    const quota = inNamespace(this.store, namespace, '', 'resourcequotas').find(
      q => q.spec.hard['requests.storage'],
    );
    if (quota) {
      bad(
        'ErrExceededQuota',
        exceededQuota(
          'persistentvolumeclaims',
          disk,
          `requested: requests.storage=${wanted}, used: requests.storage=${quota.status.used['requests.storage']}, limited: requests.storage=${quota.spec.hard['requests.storage']}`,
        ).replace('workspaces', quota.metadata.name),
      );
      return;
    }
    dataVolume.status = { phase: 'Succeeded', progress: '100.0%' };
    put(this.store, objectKey('', namespace, 'persistentvolumeclaims', disk), {
      metadata: { name: disk, namespace, labels: template.metadata.labels },
      spec: { resources: { requests: { storage: wanted } } },
      status: { phase: 'Bound', capacity: { storage: wanted } },
    });
    this.startInstance(vm);
  }

  /** Deleting a VM takes its instance and what it owns (the disk and its PVC) along. */
  deleteVm(namespace: string, name: string) {
    const vm = this.store.get(vmKey(namespace, name));
    this.vnc.closeViewer(namespace, name);
    this.store.delete(vmiKey(namespace, name));
    for (const [k, object] of [...this.store.entries()]) {
      const owned = (object.metadata.ownerReferences ?? []).some(
        (o: any) => o.uid === vm.metadata.uid,
      );
      if (owned) {
        this.store.delete(k);
        if (k.includes('/datavolumes/')) {
          this.store.delete(
            objectKey(
              '',
              namespace,
              'persistentvolumeclaims',
              object.metadata.name,
            ),
          );
        }
      }
    }
    this.store.delete(vmKey(namespace, name));
  }

  /** virt-api's start, stop and restart subresources. */
  lifecycle(namespace: string, name: string, action: string): Answer {
    const vm = this.store.get(vmKey(namespace, name));
    if (!vm)
      return {
        status: 404,
        body: notFound('virtualmachines', 'kubevirt.io', name),
      };
    const running = this.store.has(vmiKey(namespace, name));
    if (action === 'start') {
      if (running)
        return {
          status: 409,
          body: conflict('virtualmachine', name, 'VM is already running'),
        };
      this.startInstance(vm);
    } else if (!running) {
      return {
        status: 409,
        body: conflict('virtualmachine', name, 'VM is not running'),
      };
    } else if (action === 'stop') {
      this.vnc.closeViewer(namespace, name);
      this.store.delete(vmiKey(namespace, name));
      vm.status = { printableStatus: 'Stopped', ready: false };
    } else {
      this.startInstance(vm);
    }
    return { status: 202 };
  }
}
