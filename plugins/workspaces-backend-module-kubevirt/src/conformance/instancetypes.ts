import {
  AdminCluster,
  INSTANCETYPES,
  orMissing,
  RUN_LABEL,
} from './adminCluster';
import type { Cleanup } from './cleanup';
import type { ConformanceSettings } from './settings';

const instancetypeApi = (admin: AdminCluster, plural: string) => ({
  group: INSTANCETYPES,
  version: admin.instancetypeVersion ?? 'v1beta1',
  plural,
});

/** A cluster-wide object of instancetype.kubevirt.io, noted in `cleanup`. */
async function createClusterObject(
  admin: AdminCluster,
  cleanup: Cleanup,
  kind: 'VirtualMachineClusterInstancetype' | 'VirtualMachineClusterPreference',
  name: string,
  run: string,
  spec: object,
) {
  const api = instancetypeApi(admin, `${kind.toLowerCase()}s`);
  await admin.objects.createClusterCustomObject({
    ...api,
    body: {
      apiVersion: `${api.group}/${api.version}`,
      kind,
      metadata: { name, labels: { [RUN_LABEL]: run } },
      spec,
    },
  });
  cleanup.add(`${kind} ${name}`, () =>
    orMissing(admin.objects.deleteClusterCustomObject({ ...api, name })),
  );
}

/**
 * The size every desktop of the run gets (the operator's instancetype, or a
 * tiny one made for the run) and a preference that needs one vCPU more than
 * it gives, which the cluster must refuse.
 */
export async function prepareInstancetypes(
  admin: AdminCluster,
  settings: ConformanceSettings,
  namespace: string,
  cleanup: Cleanup,
) {
  const instancetype = settings.instancetype ?? `${namespace}-tiny`;
  if (!settings.instancetype) {
    await createClusterObject(
      admin,
      cleanup,
      'VirtualMachineClusterInstancetype',
      instancetype,
      namespace,
      { cpu: { guest: 1 }, memory: { guest: '256Mi' } },
    );
  }
  const found = await admin.objects.getClusterCustomObject({
    ...instancetypeApi(admin, 'virtualmachineclusterinstancetypes'),
    name: instancetype,
  });
  const cpus = Number(found?.spec?.cpu?.guest ?? 1);
  const demandingPreference = `${namespace}-needs-${cpus + 1}-vcpus`;
  await createClusterObject(
    admin,
    cleanup,
    'VirtualMachineClusterPreference',
    demandingPreference,
    namespace,
    { requirements: { cpu: { guest: cpus + 1 } } },
  );
  return { instancetype, demandingPreference };
}
