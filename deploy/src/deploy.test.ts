import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { KUBEVIRT_PROVIDER_RBAC_RULES } from '@desktop-mania/plugin-workspaces-backend-module-kubevirt';
import {
  openApiValidator,
  readSchemaFile,
  SCHEMAS_DIR,
} from '@desktop-mania/plugin-workspaces-backend-module-kubevirt/testUtils';

const DEPLOY = path.resolve(__dirname, '..');
const REPO = path.resolve(DEPLOY, '..');

function build(overlay: string): any[] {
  const out = spawnSync('kubectl', ['kustomize', path.join(DEPLOY, 'overlays', overlay)], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`kustomize build of ${overlay} failed: ${out.stderr || out.error}`);
  return yaml.parseAllDocuments(out.stdout).map(d => d.toJS()).filter(Boolean);
}

/** kubernetes-models validation, run under Node's ESM loader (see validateModels.mjs). */
function validateWithModels(objects: any[]): Array<string[] | null> {
  const out = spawnSync(process.execPath, [path.join(__dirname, 'validateModels.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: DEPLOY,
  });
  if (out.status !== 0) throw new Error(`kubernetes-models validation failed to run: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

const kubevirt = readSchemaFile('kubevirt-openapi.json');
const cdi = readSchemaFile('cdi-openapi.json');
function crdValidator(file: string, version: string) {
  const crd = yaml.parse(fs.readFileSync(path.join(SCHEMAS_DIR, file), 'utf8'));
  const schema = crd.spec.versions.find((v: any) => v.name === version).schema.openAPIV3Schema;
  return openApiValidator(schema);
}
const ajvValidators: Record<string, ReturnType<typeof openApiValidator>> = {
  'kubevirt.io/v1/KubeVirt': openApiValidator(kubevirt, 'v1.KubeVirt'),
  'cdi.kubevirt.io/v1beta1/CDI': openApiValidator(cdi, 'v1beta1.CDI'),
  'cdi.kubevirt.io/v1beta1/DataImportCron': openApiValidator(cdi, 'v1beta1.DataImportCron'),
  'cdi.kubevirt.io/v1beta1/DataSource': openApiValidator(cdi, 'v1beta1.DataSource'),
  'metallb.io/v1beta1/IPAddressPool': crdValidator('metallb-ipaddresspools-crd.yaml', 'v1beta1'),
  'metallb.io/v1beta1/L2Advertisement': crdValidator('metallb-l2advertisements-crd.yaml', 'v1beta1'),
};

/** Validates one object with the schema its group has; an object nobody knows fails. */
function validate(obj: any, modelResult: string[] | null): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const ajv = ajvValidators[key];
  if (ajv) return ajv(obj) ? [] : (ajv.errors ?? []).map(e => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);

  if (modelResult) return modelResult;

  // No published schema for these: check what the operators require.
  if (key === 'postgresql.cnpg.io/v1/Cluster') {
    return obj.spec?.instances >= 1 && obj.spec?.storage?.size && obj.spec?.storage?.storageClass ? [] : ['CNPG Cluster needs instances and storage'];
  }
  if (key === 'postgresql.cnpg.io/v1/ScheduledBackup') {
    return obj.spec?.schedule?.split(' ').length === 6 && obj.spec?.cluster?.name ? [] : ['ScheduledBackup needs a six-field schedule and a cluster'];
  }
  if (key === 'helm.cattle.io/v1/HelmChart') {
    if (!obj.spec?.chart || !obj.spec?.repo || !obj.spec?.version) return ['HelmChart needs chart, repo and version'];
    yaml.parse(obj.spec.valuesContent ?? '');
    return [];
  }
  return [`${key} is not a kind this test knows how to validate`];
}

describe.each(['lab', 'production'])('the %s overlay', overlay => {
  const objects = build(overlay);
  const modelResults = validateWithModels(objects);

  it('builds with kustomize', () => {
    expect(objects.length).toBeGreaterThan(30);
  });

  it.each(objects.map((o, i) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o, modelResults[i]]))(
    '%s validates against its schema',
    (_name, obj, modelResult) => {
      expect(validate(obj, modelResult)).toEqual([]);
    },
  );

  it('notices an invalid object, so the checks above mean something', () => {
    const deployment = objects.find(o => o.kind === 'Deployment');
    const broken = { ...deployment, spec: { ...deployment.spec, replicas: 'two' } };
    expect(validateWithModels([broken])[0]!.length).toBeGreaterThan(0);
    const pool = objects.find(o => o.kind === 'IPAddressPool');
    expect(validate({ ...pool, spec: { adresses: [] } }, null).length).toBeGreaterThan(0);
  });

  it('grants the portal exactly the verbs the KubeVirt provider uses, in the desktops namespace only', () => {
    const triples = (rules: any[]) =>
      rules.flatMap(r => r.apiGroups.flatMap((g: string) => r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g}|${res}|${v}`)))).sort();
    const roles = objects.filter(o => o.kind === 'Role' && o.metadata.name === 'backstage-desktops');
    expect(roles.map(r => r.metadata.namespace)).toEqual(['workspaces']);
    expect(triples(roles[0].rules)).toEqual(triples(KUBEVIRT_PROVIDER_RBAC_RULES));
    const bindings = objects.filter(o => /Binding$/.test(o.kind) && o.subjects?.some((s: any) => s.name === 'backstage'));
    expect(bindings.map(b => `${b.kind}/${b.roleRef.name}`)).toEqual(['RoleBinding/backstage-desktops']);
  });

  it('runs the portal as it should run in production', () => {
    const deployment = objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'backstage');
    const container = deployment.spec.template.spec.containers[0];
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.readinessProbe.httpGet.path).toBe('/.backstage/health/v1/readiness');
    expect(container.resources.limits.memory).toBeDefined();
    expect(objects.some(o => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'backstage')).toBe(true);
  });
});

describe('Grafana dashboards', () => {
  const dir = path.join(DEPLOY, 'base/monitoring/dashboards');
  it.each(fs.readdirSync(dir).map(f => [f]))('%s is a Grafana dashboard with a query in every panel', file => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    expect(dashboard).toMatchObject({ uid: expect.any(String), title: expect.any(String), schemaVersion: expect.any(Number) });
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos).toMatchObject({ h: expect.any(Number), w: expect.any(Number) });
      expect(panel.targets.map((t: any) => t.expr).every((e: string) => e.length > 0)).toBe(true);
    }
  });
});

describe('scripts', () => {
  const scripts = [
    ...['rke2', 'images'].flatMap(d => fs.readdirSync(path.join(DEPLOY, d)).filter(f => f.endsWith('.sh')).map(f => path.join(DEPLOY, d, f))),
    ...fs.readdirSync(path.join(REPO, 'scripts')).map(f => path.join(REPO, 'scripts', f)),
    path.join(REPO, '.ci/run'),
  ];
  it.each(scripts.map(s => [path.relative(REPO, s), s]))('%s passes shellcheck', (_name, file) => {
    const out = spawnSync('shellcheck', ['-x', '-s', 'bash', file], { encoding: 'utf8', cwd: path.dirname(file) });
    expect(out.error).toBeUndefined();
    expect(out.stdout).toBe('');
    expect(out.status).toBe(0);
  });

  it('keeps the RKE2 node configs parseable', () => {
    for (const f of ['config-server-first.yaml', 'config-server-join.yaml', 'config-agent.yaml', 'traefik-config.yaml']) {
      expect(() => yaml.parse(fs.readFileSync(path.join(DEPLOY, 'rke2', f), 'utf8'))).not.toThrow();
    }
    const join = yaml.parse(fs.readFileSync(path.join(DEPLOY, 'rke2', 'config-server-join.yaml'), 'utf8'));
    expect(join.server).toBe('https://${RKE2_VIP}:9345');
    expect(join['tls-san']).toContain('${RKE2_VIP}');
  });
});
