import { Secret } from 'kubernetes-models/v1';
import { buildFirstBootSecret } from './buildFirstBootSecret';
import { buildVirtualMachine } from './buildVirtualMachine';
import { spec, testCluster } from './__testUtils__/fixtures';
import {
  commonClusterInstancetypes,
  commonClusterPreferences,
  openApiValidator,
  readSchemaFile,
  schemaFilePath,
} from '@internal/test-support';

const validateVm = openApiValidator(
  readSchemaFile('kubevirt-openapi.json'),
  'v1.VirtualMachine',
);
const validateDataVolumeSpec = openApiValidator(
  readSchemaFile('cdi-openapi.json'),
  'v1beta1.DataVolumeSpec',
);
const instancetypes = commonClusterInstancetypes().map(d => d.metadata.name);
const preferences = commonClusterPreferences().map(d => d.metadata.name);

const errorsOf = (
  validate: ReturnType<typeof openApiValidator>,
  value: unknown,
) =>
  validate(value)
    ? []
    : validate.errors!.map(
        e => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
      );

describe.each(['linux', 'windows'] as const)('the %s desktop manifests', os => {
  const cluster = testCluster();
  const vm = buildVirtualMachine(spec(os), cluster);
  const secret = buildFirstBootSecret(spec(os), cluster, 'Pw0rd-xyz');

  it('validate against the KubeVirt OpenAPI schema of v1.VirtualMachine', () => {
    expect(errorsOf(validateVm, vm)).toEqual([]);
  });

  it('have a root disk template that validates against the CDI DataVolume schema', () => {
    expect(
      errorsOf(validateDataVolumeSpec, vm.spec.dataVolumeTemplates[0].spec),
    ).toEqual([]);
  });

  it('use an instancetype and a preference the common cluster bundles define', () => {
    expect(instancetypes).toContain(vm.spec.instancetype.name);
    expect(preferences).toContain(vm.spec.preference!.name);
  });

  it('have a first-boot Secret that is a valid core v1 Secret, under the name the VM mounts', () => {
    expect(() => new Secret(secret as any).validate()).not.toThrow();
    const volume = vm.spec.template.spec.volumes[1] as any;
    expect(
      volume.cloudInitNoCloud?.secretRef.name ?? volume.sysprep?.secret.name,
    ).toBe(secret.metadata.name);
  });
});

describe('the validation above', () => {
  it('catches a misspelt field and a wrong type', () => {
    const vm: any = buildVirtualMachine(spec('linux'), testCluster());
    vm.spec.runStratgy = 'Always';
    expect(errorsOf(validateVm, vm)).toEqual([
      expect.stringContaining(
        'must NOT have additional properties {"additionalProperty":"runStratgy"}',
      ),
    ]);
    const dv: any = buildVirtualMachine(spec('linux'), testCluster()).spec
      .dataVolumeTemplates[0].spec;
    dv.sourceRef.name = 7;
    expect(errorsOf(validateDataVolumeSpec, dv)).toEqual([
      expect.stringContaining('/sourceRef/name must be string'),
    ]);
    expect(() =>
      new Secret({
        metadata: { name: 's' },
        stringData: { k: 1 },
      } as any).validate(),
    ).toThrow();
  });

  it('names the folder it looked in when a schema is missing', () => {
    expect(() => schemaFilePath('no-such-schema.json')).toThrow(
      /test-support\/schemas\/no-such-schema.json is missing: add it to packages\/test-support\/schemas/,
    );
  });

  it('knows the names the common bundles define', () => {
    expect(instancetypes).toEqual(
      expect.arrayContaining(['u1.medium', 'u1.large']),
    );
    expect(preferences).toEqual(
      expect.arrayContaining(['ubuntu', 'windows.11.virtio']),
    );
    expect(instancetypes).not.toContain('u1.gigantic');
  });
});
