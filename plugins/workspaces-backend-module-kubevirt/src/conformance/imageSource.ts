import { diskReport } from '../dataVolumeStatus';
import type { DataVolumeObject } from '../objects';
import { allowCloning } from './accounts';
import { AdminCluster, CDI, orMissing, RUN_LABEL } from './adminCluster';
import { Budget, waitFor } from './budget';
import type { Cleanup } from './cleanup';
import { storageBytes, type ConformanceSettings } from './settings';

const IMAGE = 'tiny-image';
const MINUTE = 60_000;

/** What a desktop may be cloned from, and how big it is. */
export interface ImageSource {
  namespace: string;
  name: string;
  /** The size the source PVC asked for, which a clone's request is held against. */
  requestBytes: number;
  /** What the storage gave it, which may be more. */
  capacityBytes: number;
}

/**
 * A DataVolume importing the tiny image and a DataSource serving it, as
 * the golden images are served. Bound at once: with a
 * WaitForFirstConsumer StorageClass, CDI would otherwise wait for a VM
 * that never comes.
 */
async function importImage(
  admin: AdminCluster,
  namespace: string,
  settings: ConformanceSettings,
  storageClassName: string,
) {
  const labels = { [RUN_LABEL]: namespace };
  const url = settings.imageUrl;
  const source = url.startsWith('docker://')
    ? { registry: { url } }
    : { http: { url } };
  await admin.objects.createNamespacedCustomObject({
    ...CDI,
    namespace,
    plural: 'datavolumes',
    body: {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: {
        name: IMAGE,
        labels,
        annotations: {
          'cdi.kubevirt.io/storage.bind.immediate.requested': 'true',
        },
      },
      spec: {
        source,
        storage: {
          storageClassName,
          resources: { requests: { storage: settings.imageSize } },
        },
      },
    },
  });
  await admin.objects.createNamespacedCustomObject({
    ...CDI,
    namespace,
    plural: 'datasources',
    body: {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataSource',
      metadata: { name: IMAGE, labels },
      spec: { source: { pvc: { name: IMAGE, namespace } } },
    },
  });
}

/** Waits for the import; a DataVolume CDI collected after success counts as done. */
async function waitForImport(
  admin: AdminCluster,
  namespace: string,
  name: string,
  timeoutMs: number,
) {
  await waitFor(
    `the image DataVolume ${namespace}/${name} to be imported`,
    async note => {
      const dv: DataVolumeObject | undefined = await admin.customObject(
        CDI,
        namespace,
        'datavolumes',
        name,
      );
      if (!dv) {
        const pvc = await orMissing(
          admin.core.readNamespacedPersistentVolumeClaim({ name, namespace }),
        );
        const phase =
          pvc?.metadata?.annotations?.['cdi.kubevirt.io/storage.pod.phase'];
        if (phase === 'Succeeded') return true;
        note(`no DataVolume; its PVC says ${phase ?? 'nothing'}`);
        return undefined;
      }
      const phase = dv.status?.phase;
      if (phase === 'Succeeded') return true;
      const { problem, progress } = diskReport(dv);
      note(
        `${phase ?? 'no phase'}${progress ? ` ${progress}` : ''}${
          problem ? `: ${problem}` : ''
        }`,
      );
      const restarts = (dv.status as { restartCount?: number } | undefined)
        ?.restartCount;
      if (phase === 'Failed' || (problem && (restarts ?? 0) >= 3)) {
        throw new Error(
          `CDI could not import the image into ${namespace}/${name}: ${
            problem ?? phase
          }. Set CONFORMANCE_IMAGE_URL to an image the cluster can reach, or CONFORMANCE_DATASOURCE to an existing DataSource.`,
        );
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 5000 },
  );
}

/** Waits for a DataSource to be Ready, then says how big its source is. */
async function readySource(
  admin: AdminCluster,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<ImageSource> {
  const dataSource = await waitFor(
    `DataSource ${namespace}/${name} to be Ready`,
    async note => {
      const found = await admin.customObject(
        CDI,
        namespace,
        'datasources',
        name,
      );
      if (!found) {
        note('it does not exist');
        return undefined;
      }
      const ready = (found.status?.conditions ?? []).find(
        (c: { type: string }) => c.type === 'Ready',
      );
      if (ready?.status === 'True') return found;
      note(`Ready=${ready?.status ?? 'unknown'}: ${ready?.message ?? ''}`);
      return undefined;
    },
    { timeoutMs },
  );
  const pvc = dataSource.spec?.source?.pvc;
  const snapshot = dataSource.spec?.source?.snapshot;
  if (pvc) {
    const claim = await admin.core.readNamespacedPersistentVolumeClaim({
      name: pvc.name,
      namespace: pvc.namespace ?? namespace,
    });
    const request = claim.spec?.resources?.requests?.storage ?? '0';
    const capacity = claim.status?.capacity?.storage ?? request;
    return {
      namespace,
      name,
      requestBytes: storageBytes(String(request)),
      capacityBytes: storageBytes(String(capacity)),
    };
  }
  if (snapshot) {
    const found = await admin.objects.getNamespacedCustomObject({
      group: 'snapshot.storage.k8s.io',
      version: 'v1',
      namespace: snapshot.namespace ?? namespace,
      plural: 'volumesnapshots',
      name: snapshot.name,
    });
    const bytes = storageBytes(String(found.status?.restoreSize ?? '0'));
    return { namespace, name, requestBytes: bytes, capacityBytes: bytes };
  }
  throw new Error(
    `DataSource ${namespace}/${name} serves neither a PVC nor a VolumeSnapshot`,
  );
}

/**
 * What the run's desktops are cloned from: the operator's DataSource, or the
 * tiny image imported into the run's namespace. Either way the VMs' own
 * account may clone it; a grant elsewhere is noted in `cleanup`, one in the
 * run's namespace goes with it.
 */
export async function prepareSource(
  admin: AdminCluster,
  settings: ConformanceSettings,
  namespace: string,
  storageClassName: string,
  budget: Budget,
  cleanup: Cleanup,
) {
  const from = settings.dataSource ?? { namespace, name: IMAGE };
  const stopCloning = await allowCloning(
    admin,
    from.namespace,
    namespace,
    from.namespace === namespace ? 'image-cloner' : `${namespace}-cloner`,
  );
  if (from.namespace !== namespace) {
    cleanup.add(
      `Role and RoleBinding ${namespace}-cloner in ${from.namespace}`,
      stopCloning,
    );
  } else {
    await importImage(admin, namespace, settings, storageClassName);
    await waitForImport(admin, namespace, IMAGE, budget.remainingMs());
  }
  return readySource(admin, from.namespace, from.name, budget.upTo(5 * MINUTE));
}
