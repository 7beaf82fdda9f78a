import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import type { V1VirtualMachine } from '@kubevirt-ui-ext/kubevirt-api/kubevirt';
import { buildFirstBootSecret, buildVirtualMachine } from './buildVirtualMachine';
import { spec, testCluster } from './__testUtils__/fixtures';
import { openApiValidator, readSchemaFile, SCHEMAS_DIR } from './testUtils';

function load(file: string) {
  return file.endsWith('.json')
    ? readSchemaFile(file)
    : yaml.parseAllDocuments(fs.readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')).map(d => d.toJS());
}

const kubevirt = load('kubevirt-openapi.json');
const cdi = load('cdi-openapi.json');
const validateVm = openApiValidator(kubevirt, 'v1.VirtualMachine');
const validateDataVolumeSpec = openApiValidator(cdi, 'v1beta1.DataVolumeSpec');

describe.each(['linux', 'windows'] as const)('the %s desktop manifests', os => {
  const vm: V1VirtualMachine = buildVirtualMachine(spec(os), testCluster()) as V1VirtualMachine;

  it('validate against the KubeVirt OpenAPI schema', () => {
    expect(validateVm(vm) ? [] : validateVm.errors).toEqual([]);
  });

  it('have a root disk that validates against the CDI DataVolume schema', () => {
    const dv = vm.spec.dataVolumeTemplates![0].spec;
    expect(validateDataVolumeSpec(dv) ? [] : validateDataVolumeSpec.errors).toEqual([]);
  });

  it('use instancetypes and preferences that the common bundles define', () => {
    const instancetypes = (load('kubevirt-common-clusterinstancetypes.yaml') as any[]).map(d => d.metadata.name);
    const preferences = (load('kubevirt-common-clusterpreferences.yaml') as any[]).map(d => d.metadata.name);
    expect(instancetypes).toContain(vm.spec.instancetype!.name);
    expect(preferences).toContain(vm.spec.preference!.name);
  });

  it('give the first-boot Secret the name the VM mounts', () => {
    const secret = buildFirstBootSecret(spec(os), testCluster(), 'pw');
    const volume = vm.spec.template.spec!.volumes!.find(v => v.name !== 'rootdisk')!;
    const mounted = os === 'linux' ? volume.cloudInitNoCloud!.secretRef!.name : volume.sysprep!.secret!.name;
    expect(mounted).toBe(secret.metadata.name);
  });
});

it('catches a misspelt field, so the validation above means something', () => {
  const vm: any = buildVirtualMachine(spec('linux'), testCluster());
  vm.spec.runStratgy = 'Always';
  expect(validateVm(vm)).toBe(false);
});
