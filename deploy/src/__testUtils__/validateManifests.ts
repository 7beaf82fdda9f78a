import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import {
  openApiValidator,
  readSchemaFile,
  SCHEMAS_DIR,
} from '@internal/test-support';
import type { KubeObject } from './kustomize';
import { OPERATOR_SCHEMAS } from './operatorSchemas';
import { typeCheckManifests } from './typeCheckManifests';

type Validate = ReturnType<typeof openApiValidator>;

/** Groups whose kinds the kubernetes-models packages describe (validateModels.mjs, typeCheckManifests.ts). */
const MODEL_GROUPS = [
  '',
  'apps',
  'policy',
  'rbac.authorization.k8s.io',
  'networking.k8s.io',
  'storage.k8s.io',
  'traefik.io',
  'monitoring.coreos.com',
];

function crdValidator(file: string, version: string): Validate {
  const crd = yaml.parse(fs.readFileSync(path.join(SCHEMAS_DIR, file), 'utf8'));
  const served = crd.spec.versions.find((v: any) => v.name === version);
  return openApiValidator(served.schema.openAPIV3Schema);
}

let schemaValidators: Record<string, Validate> | undefined;

/** Validators for the kinds with a schema file or an operator schema, by `apiVersion/kind`. */
function schemaValidatorsByKind(): Record<string, Validate> {
  if (!schemaValidators) {
    const kubevirt = readSchemaFile('kubevirt-openapi.json');
    const cdi = readSchemaFile('cdi-openapi.json');
    schemaValidators = {
      'kubevirt.io/v1/KubeVirt': openApiValidator(kubevirt, 'v1.KubeVirt'),
      'kubevirt.io/v1/VirtualMachine': openApiValidator(
        kubevirt,
        'v1.VirtualMachine',
      ),
      'cdi.kubevirt.io/v1beta1/CDI': openApiValidator(cdi, 'v1beta1.CDI'),
      'cdi.kubevirt.io/v1beta1/DataImportCron': openApiValidator(
        cdi,
        'v1beta1.DataImportCron',
      ),
      'cdi.kubevirt.io/v1beta1/DataSource': openApiValidator(
        cdi,
        'v1beta1.DataSource',
      ),
      'cdi.kubevirt.io/v1beta1/DataVolume': openApiValidator(
        cdi,
        'v1beta1.DataVolume',
      ),
      'metallb.io/v1beta1/IPAddressPool': crdValidator(
        'metallb-ipaddresspools-crd.yaml',
        'v1beta1',
      ),
      'metallb.io/v1beta1/L2Advertisement': crdValidator(
        'metallb-l2advertisements-crd.yaml',
        'v1beta1',
      ),
      ...Object.fromEntries(
        Object.entries(OPERATOR_SCHEMAS).map(([kind, schema]) => [
          kind,
          openApiValidator(schema),
        ]),
      ),
    };
  }
  return schemaValidators;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Error messages of one validation, or none. */
export function errorsOf(validate: Validate, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    e => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
  );
}

/**
 * Runs the kubernetes-models classes' validate() (core, Traefik,
 * prometheus-operator). Those packages are ESM-only with subpath imports
 * chosen per object, so they run under Node's own loader in a child process.
 */
function validateWithModels(objects: KubeObject[]): string[][] {
  if (objects.length === 0) return [];
  const out = spawnSync(
    process.execPath,
    [path.join(__dirname, 'validateModels.mjs')],
    {
      input: JSON.stringify(objects),
      encoding: 'utf8',
      cwd: __dirname,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (out.status !== 0)
    throw new Error(`kubernetes-models validation did not run: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/**
 * kustomize wraps long base64 values at 70 columns. The API server's decoder
 * skips line breaks, the models' "byte" format check does not.
 */
function unwrapSecretData(obj: KubeObject): KubeObject {
  if (obj.apiVersion !== 'v1' || obj.kind !== 'Secret' || !obj.data) return obj;
  const data = Object.fromEntries(
    Object.entries(obj.data as Record<string, string>).map(([k, v]) => [
      k,
      v.replace(/[\r\n]/g, ''),
    ]),
  );
  return { ...obj, data };
}

/**
 * Validates each object against the schema of its kind and returns one list
 * of errors per object. A kind without a schema is an error: nothing passes
 * unchecked.
 */
export function validateManifests(input: KubeObject[]): string[][] {
  const objects = input.map(unwrapSecretData);
  const modelIndexes = objects.flatMap((o, i) =>
    MODEL_GROUPS.includes(groupOf(o.apiVersion)) ? [i] : [],
  );
  const modelObjects = modelIndexes.map(i => objects[i]);
  const runtimeErrors = validateWithModels(modelObjects);
  const typeErrors = typeCheckManifests(modelObjects);
  const byIndex = new Map(
    modelIndexes.map((objectIndex, j) => [
      objectIndex,
      [...runtimeErrors[j], ...typeErrors[j]],
    ]),
  );
  const validators = schemaValidatorsByKind();

  return objects.map((obj, i) => {
    const fromModels = byIndex.get(i);
    if (fromModels) return fromModels;
    const validate = validators[`${obj.apiVersion}/${obj.kind}`];
    if (!validate)
      return [
        `${obj.apiVersion} ${obj.kind} has no schema to validate it against`,
      ];
    return errorsOf(validate, obj);
  });
}
