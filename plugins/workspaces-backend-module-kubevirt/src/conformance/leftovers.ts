import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { rootDiskName } from '../buildVirtualMachine';
import { firstBootSecretName } from '../buildFirstBootSecret';
import { LABEL_WORKSPACE } from '../labels';
import {
  AdminCluster,
  CDI,
  KUBEVIRT,
  orMissing,
  type ApiGroup,
} from './adminCluster';

const ifThere = (what: string, lookup: Promise<unknown>) =>
  lookup.then(found => (found ? [what] : []));

/**
 * What of a desktop is still on the cluster, looked up by the names the
 * provider gives its parts and by its label, whatever the provider says.
 */
export async function leftovers(
  admin: AdminCluster,
  namespace: string,
  spec: Pick<WorkspaceCreateSpec, 'name' | 'image'>,
): Promise<string[]> {
  const workspace = spec.name;
  const labelSelector = `${LABEL_WORKSPACE}=${workspace}`;
  const disk = rootDiskName(workspace);
  const secret = firstBootSecretName(spec);
  const custom: Array<{
    api: ApiGroup;
    plural: string;
    kind: string;
    name: string;
  }> = [
    {
      api: KUBEVIRT,
      plural: 'virtualmachines',
      kind: 'VirtualMachine',
      name: workspace,
    },
    {
      api: KUBEVIRT,
      plural: 'virtualmachineinstances',
      kind: 'VirtualMachineInstance',
      name: workspace,
    },
    { api: CDI, plural: 'datavolumes', kind: 'DataVolume', name: disk },
  ];
  const found = await Promise.all([
    ...custom.map(({ api, plural, kind, name }) =>
      ifThere(
        `${kind}/${name}`,
        admin.customObject(api, namespace, plural, name),
      ),
    ),
    ifThere(
      `PersistentVolumeClaim/${disk}`,
      orMissing(
        admin.core.readNamespacedPersistentVolumeClaim({
          name: disk,
          namespace,
        }),
      ),
    ),
    ifThere(
      `Secret/${secret}`,
      orMissing(admin.core.readNamespacedSecret({ name: secret, namespace })),
    ),
    ...custom.map(({ api, plural, kind }) =>
      admin.objects
        .listNamespacedCustomObject({
          ...api,
          namespace,
          plural,
          labelSelector,
        })
        .then(list =>
          (list.items ?? []).map(
            (o: { metadata: { name: string } }) => `${kind}/${o.metadata.name}`,
          ),
        ),
    ),
    admin.core
      .listNamespacedPersistentVolumeClaim({ namespace, labelSelector })
      .then(list =>
        list.items.map(o => `PersistentVolumeClaim/${o.metadata!.name}`),
      ),
    admin.core
      .listNamespacedSecret({ namespace, labelSelector })
      .then(list => list.items.map(o => `Secret/${o.metadata!.name}`)),
  ]);
  return [...new Set(found.flat())].sort();
}
