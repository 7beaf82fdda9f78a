import fs from 'fs';
import path from 'path';
import Ajv from 'ajv';
import yaml from 'yaml';
import type { V1VirtualMachine } from '@kubevirt-ui-ext/kubevirt-api/kubevirt';
import { buildFirstBootSecret, buildVirtualMachine } from './buildVirtualMachine';
import { spec, testCluster } from './__testUtils__/fixtures';

const SCHEMAS = path.resolve(__dirname, '../../../../shared/schemas');

function load(file: string) {
  const full = path.join(SCHEMAS, file);
  if (!fs.existsSync(full)) {
    throw new Error(`The KubeVirt and CDI schemas are missing: expected ${full} (the shared/ folder beside the repository)`);
  }
  return full.endsWith('.json') ? JSON.parse(fs.readFileSync(full, 'utf8')) : yaml.parseAllDocuments(fs.readFileSync(full, 'utf8')).map(d => d.toJS());
}

// OpenAPI objects accept unknown fields; closing them makes a misspelt field fail.
function closeObjects(node: any): any {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node && typeof node === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closeObjects(s)])) : closeObjects(v);
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  }
  return node;
}

function validator(openapi: any, definition: string) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ definitions: closeObjects(openapi.definitions) }, 'api');
  return ajv.compile({ $ref: `api#/definitions/${definition}` });
}

const kubevirt = load('kubevirt-openapi.json');
const cdi = load('cdi-openapi.json');
const validateVm = validator(kubevirt, 'v1.VirtualMachine');
const validateDataVolumeSpec = validator(cdi, 'v1beta1.DataVolumeSpec');

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
