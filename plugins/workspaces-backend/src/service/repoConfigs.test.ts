import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { ConfigReader } from '@backstage/config';
import { quantityToBytes } from '@desktop-mania/plugin-workspaces-common';
import {
  commonClusterInstancetypes,
  commonClusterPreferences,
} from '@internal/test-support';
import { readWorkspacesConfig } from './WorkspacesConfig';

const ROOT = path.resolve(__dirname, '../../../..');
const read = (file: string) =>
  yaml.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
const gib = (quantity: string) => quantityToBytes(quantity)! / 2 ** 30;

// What KubeVirt's admission webhook compares (kubevirt/kubevirt
// pkg/instancetype/preference/requirements): the preference's
// spec.requirements against the instancetype's guest CPU and memory.
const preferences = new Map(
  commonClusterPreferences().map(p => [p.metadata.name, p.spec.requirements]),
);
const instancetypes = new Map(
  commonClusterInstancetypes().map(t => [t.metadata.name, t.spec]),
);

/**
 * The disk each golden image is made with: the DataImportCrons' storage in
 * deploy/base/kubevirt/images.yaml, and the Windows upload script's default.
 * CDI refuses to clone a source into a smaller target
 * (containerized-data-importer pkg/controller/clone/planner.go).
 */
function goldenImageSizes(): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const doc of yaml.parseAllDocuments(
    fs.readFileSync(
      path.join(ROOT, 'deploy/base/kubevirt/images.yaml'),
      'utf8',
    ),
  )) {
    const cron = doc.toJS();
    if (cron?.kind !== 'DataImportCron') continue;
    sizes.set(
      cron.spec.managedDataSource,
      gib(cron.spec.template.spec.storage.resources.requests.storage),
    );
  }
  const script = fs.readFileSync(
    path.join(ROOT, 'deploy/images/windows-golden-image.sh'),
    'utf8',
  );
  const name = /DATASOURCE="\$\{DATASOURCE:-([^}]+)\}"/.exec(script)![1];
  const size = /DISK_SIZE="\$\{DISK_SIZE:-([^}]+)\}"/.exec(script)![1];
  sizes.set(name, gib(size));
  return sizes;
}

describe.each([
  'app-config.yaml',
  'deploy/base/backstage/app-config.production.yaml',
])('the flavors %s offers', file => {
  const config = readWorkspacesConfig(new ConfigReader(read(file)));

  it('pair no image with a size its preference refuses', () => {
    const offered: string[] = [];
    for (const image of config.images) {
      const required = preferences.get(image.preference!);
      expect(required).toBeDefined();
      for (const sizeName of image.sizes) {
        const size = config.sizes.find(s => s.name === sizeName)!;
        const gives = instancetypes.get(size.instancetype!);
        expect(gives).toBeDefined();
        expect(gives!.cpu!.guest).toBeGreaterThanOrEqual(required!.cpu!.guest);
        expect(quantityToBytes(gives!.memory!.guest)!).toBeGreaterThanOrEqual(
          quantityToBytes(required!.memory!.guest)!,
        );
        offered.push(`${image.name}/${size.name}`);
      }
    }
    // Windows 11 needs 2 vCPU, which Small (u1.medium) does not have.
    expect(offered).not.toContain('windows-11/small');
    expect(offered).toContain('windows-11/medium');
  });

  it('offer no disk smaller than the golden image, by default or at all', () => {
    const golden = goldenImageSizes();
    for (const image of config.images) {
      const source = golden.get(image.dataSource!.name);
      expect(source).toBeDefined();
      expect(image.diskGi.min).toBeGreaterThanOrEqual(source!);
      expect(image.diskGi.default).toBeGreaterThanOrEqual(source!);
    }
  });
});
