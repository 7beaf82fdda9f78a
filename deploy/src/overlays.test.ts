import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { KUBEVIRT_PROVIDER_RBAC_RULES } from '@desktop-mania/plugin-workspaces-backend-module-kubevirt/alpha';
import { openApiValidator } from '@internal/test-support';
import {
  buildKustomization,
  kustomizeAvailable,
  type KubeObject,
} from './__testUtils__/kustomize';
import { RKE2_CONFIG_SCHEMA } from './__testUtils__/operatorSchemas';
import { errorsOf, validateManifests } from './__testUtils__/validateManifests';

const DEPLOY = path.resolve(__dirname, '..');
const REPO = path.resolve(DEPLOY, '..');

if (!kustomizeAvailable()) {
  // The test command installs kubectl; without it nothing here can be built.
  throw new Error(
    'kubectl is not on PATH; run the tests through scripts/test.sh, which installs it',
  );
}

// Each kustomization is built once, however many checks read it.
const builds = new Map<string, KubeObject[]>();
function built(dir: string): KubeObject[] {
  if (!builds.has(dir))
    builds.set(dir, buildKustomization(path.join(DEPLOY, dir)));
  return builds.get(dir)!;
}

const name = (o: KubeObject) =>
  `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Every rule as group|resource|verb, so rule layout does not matter. */
function triples(
  rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>,
): string[] {
  return rules
    .flatMap(r =>
      r.apiGroups.flatMap(g =>
        r.resources.flatMap(res => r.verbs.map(v => `${g}|${res}|${v}`)),
      ),
    )
    .sort();
}

const kustomizations: Array<[string, string]> = [
  ['lab overlay', 'overlays/lab'],
  ['production overlay', 'overlays/production'],
  ['lab kube-vip manifest', 'overlays/lab/kube-vip'],
  ['production kube-vip manifest', 'overlays/production/kube-vip'],
  ['monitoring stack', 'monitoring'],
];

describe.each(kustomizations)('the %s', (_title, dir) => {
  const objects = built(dir);
  const errors = validateManifests(objects);

  it('builds', () => {
    expect(objects.length).toBeGreaterThan(0);
  });

  it.each(objects.map((o, i) => [name(o), errors[i]]))(
    '%s validates against its schema',
    (_name, found) => {
      expect(found).toEqual([]);
    },
  );
});

describe.each(['lab', 'production'])('the %s overlay', overlay => {
  const objects = built(`overlays/${overlay}`);
  const find = (kind: string, objectName: string) =>
    objects.find(o => o.kind === kind && o.metadata.name === objectName)!;

  it('holds every part of the platform', () => {
    const kinds = new Set(objects.map(o => `${o.apiVersion}/${o.kind}`));
    for (const kind of [
      'kubevirt.io/v1/KubeVirt',
      'cdi.kubevirt.io/v1beta1/CDI',
      'cdi.kubevirt.io/v1beta1/DataImportCron',
      'metallb.io/v1beta1/IPAddressPool',
      'metallb.io/v1beta1/L2Advertisement',
      'storage.k8s.io/v1/StorageClass',
      'postgresql.cnpg.io/v1/Cluster',
      'postgresql.cnpg.io/v1/ScheduledBackup',
      'apps/v1/Deployment',
      'policy/v1/PodDisruptionBudget',
      'traefik.io/v1alpha1/IngressRoute',
      'networking.k8s.io/v1/NetworkPolicy',
      'v1/ResourceQuota',
      'monitoring.coreos.com/v1/ServiceMonitor',
      'monitoring.coreos.com/v1/PrometheusRule',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it('notices an invalid object, so the checks above mean something', () => {
    const deployment = find('Deployment', 'backstage');
    const pool = objects.find(o => o.kind === 'IPAddressPool')!;
    const [deploymentErrors, poolErrors] = validateManifests([
      { ...deployment, spec: { ...deployment.spec, replicas: 'two' } },
      { ...pool, spec: { adresses: [] } },
    ]);
    expect(deploymentErrors.length).toBeGreaterThan(0);
    expect(poolErrors.length).toBeGreaterThan(0);
  });

  it('grants the portal exactly the verbs the KubeVirt provider uses, in the desktops namespace only', () => {
    const roles = objects.filter(
      o => o.kind === 'Role' && o.metadata.name === 'backstage-desktops',
    );
    expect(roles.map(r => r.metadata.namespace)).toEqual(['workspaces']);
    expect(triples(roles[0].rules)).toEqual(
      triples(KUBEVIRT_PROVIDER_RBAC_RULES),
    );
    const bindings = objects.filter(
      o =>
        /Binding$/.test(o.kind) &&
        o.subjects?.some(
          (s: any) => s.kind === 'ServiceAccount' && s.name === 'backstage',
        ),
    );
    expect(bindings.map(b => `${b.kind}/${b.roleRef.name}`)).toEqual([
      'RoleBinding/backstage-desktops',
    ]);
  });

  it('runs the portal as it should run in production', () => {
    const deployment = find('Deployment', 'backstage');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.readinessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(find('PodDisruptionBudget', 'backstage')).toBeDefined();
  });

  it('keeps desktops apart from each other and from the cluster', () => {
    const policies = objects.filter(
      o => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'workspaces',
    );
    const denyAll = policies.find(
      p => Object.keys(p.spec.podSelector ?? {}).length === 0,
    );
    expect(denyAll?.spec.policyTypes).toEqual(
      expect.arrayContaining(['Ingress', 'Egress']),
    );
  });
});

describe('Grafana dashboards', () => {
  const dir = path.join(DEPLOY, 'base/monitoring/dashboards');
  it.each(fs.readdirSync(dir).map(f => [f]))(
    '%s is a Grafana dashboard with a query in every panel',
    file => {
      const dashboard = JSON.parse(
        fs.readFileSync(path.join(dir, file), 'utf8'),
      );
      expect(dashboard).toMatchObject({
        uid: expect.any(String),
        title: expect.any(String),
        schemaVersion: expect.any(Number),
      });
      const panels = dashboard.panels.flatMap((p: any) =>
        p.type === 'row' ? p.panels ?? [] : [p],
      );
      expect(panels.length).toBeGreaterThan(0);
      for (const panel of panels) {
        expect(panel.gridPos).toMatchObject({
          h: expect.any(Number),
          w: expect.any(Number),
        });
        expect(panel.targets.length).toBeGreaterThan(0);
        expect(
          panel.targets.every(
            (t: any) => typeof t.expr === 'string' && t.expr.length > 0,
          ),
        ).toBe(true);
      }
    },
  );
});

describe('RKE2 node set-up', () => {
  const scripts = [
    ...['rke2', 'images'].flatMap(d =>
      fs
        .readdirSync(path.join(DEPLOY, d))
        .filter(f => f.endsWith('.sh'))
        .map(f => path.join(DEPLOY, d, f)),
    ),
    ...fs
      .readdirSync(path.join(REPO, 'scripts'))
      .filter(f => f.endsWith('.sh'))
      .map(f => path.join(REPO, 'scripts', f)),
    path.join(REPO, '.ci/run'),
  ];

  it.each(scripts.map(s => [path.relative(REPO, s), s]))(
    '%s passes shellcheck',
    (_name, file) => {
      const out = spawnSync('shellcheck', ['-x', '-s', 'bash', file], {
        encoding: 'utf8',
        cwd: path.dirname(file),
      });
      expect(out.error).toBeUndefined();
      expect(out.stdout).toBe('');
      expect(out.status).toBe(0);
    },
  );

  it.each([
    'config-server-first.yaml',
    'config-server-join.yaml',
    'config-agent.yaml',
  ])('%s holds only keys RKE2 knows, with sensible values', file => {
    const config = yaml.parse(
      fs.readFileSync(path.join(DEPLOY, 'rke2', file), 'utf8'),
    );
    expect(errorsOf(openApiValidator(RKE2_CONFIG_SCHEMA), config)).toEqual([]);
  });

  it('joins servers and agents through the virtual IP, which every server certificate names', () => {
    const read = (f: string) =>
      yaml.parse(fs.readFileSync(path.join(DEPLOY, 'rke2', f), 'utf8'));
    expect(read('config-server-join.yaml').server).toBe(
      'https://${RKE2_VIP}:9345',
    );
    expect(read('config-agent.yaml').server).toBe('https://${RKE2_VIP}:9345');
    for (const f of ['config-server-first.yaml', 'config-server-join.yaml']) {
      expect(read(f)['tls-san']).toContain('${RKE2_VIP}');
    }
  });

  it('rejects an RKE2 config with a misspelt key', () => {
    expect(
      errorsOf(openApiValidator(RKE2_CONFIG_SCHEMA), { 'tls-sans': ['x'] })
        .length,
    ).toBeGreaterThan(0);
  });
});
