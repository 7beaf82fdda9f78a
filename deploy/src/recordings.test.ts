import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { kustomizeAvailable } from './__testUtils__/kustomize';
import { built } from './__testUtils__/site';

if (!kustomizeAvailable()) {
  throw new Error(
    'kubectl is not on PATH; run the tests through scripts/test.sh, which installs it',
  );
}

const DEPLOY = path.resolve(__dirname, '..');

describe('console recordings in production', () => {
  const objects = built('overlays/production');
  const portal = objects.find(
    o => o.kind === 'Deployment' && o.metadata.name === 'backstage',
  )!;
  const pod = portal.spec.template.spec;
  const config = yaml.parse(
    fs.readFileSync(
      path.join(DEPLOY, 'base/backstage/app-config.production.yaml'),
      'utf8',
    ),
  );
  const recording = config.workspaces.recording;

  it('go to a volume every replica mounts read-write at the configured folder', () => {
    const mount = pod.containers[0].volumeMounts.find(
      (m: any) => m.mountPath === recording.dir,
    );
    expect(mount).toBeDefined();
    expect(mount.readOnly ?? false).toBe(false);
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    const claim = objects.find(
      o =>
        o.kind === 'PersistentVolumeClaim' &&
        o.metadata.namespace === 'desktop-mania' &&
        o.metadata.name === volume.persistentVolumeClaim.claimName,
    );
    // Replicas on different nodes write and read the same files.
    expect(portal.spec.replicas).toBeGreaterThan(1);
    expect(claim?.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(
      objects.find(
        o =>
          o.kind === 'StorageClass' &&
          o.metadata.name === claim!.spec.storageClassName,
      ),
    ).toBeDefined();
  });

  it('keep the store under the volume, and record nothing until an admin says what', () => {
    const gi = (q: string) => Number(/^(\d+)Gi$/.exec(q)![1]);
    const claim = objects.find(
      o =>
        o.kind === 'PersistentVolumeClaim' &&
        o.metadata.name === 'backstage-recordings',
    )!;
    expect(gi(recording.maxTotalBytes)).toBeLessThan(
      gi(claim.spec.resources.requests.storage),
    );
    expect(recording.images ?? []).toEqual([]);
    expect(recording.ownerGroups ?? []).toEqual([]);
  });
});
