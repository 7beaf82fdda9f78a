import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { kustomizeAvailable, type KubeObject } from './__testUtils__/kustomize';
import { built } from './__testUtils__/site';
import {
  deployTextFiles,
  helmCharts,
  readVersions,
  versionFindings,
} from './__testUtils__/versions';

if (!kustomizeAvailable()) {
  throw new Error(
    'kubectl is not on PATH; run the tests through scripts/test.sh, which installs it',
  );
}

const DEPLOY = path.resolve(__dirname, '..');

/** API groups every Kubernetes serves; anything else needs an operator installed first. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'policy',
  'autoscaling',
  'rbac.authorization.k8s.io',
  'networking.k8s.io',
  'storage.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'scheduling.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
]);

const groupOf = (o: KubeObject) =>
  o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';

const sites = ['lab', 'production'];
const rendered = () => [
  ...sites.flatMap(s => [
    ...built(`overlays/${s}`),
    ...built(`overlays/${s}/kube-vip`),
  ]),
  ...built('monitoring'),
];

describe('deploy/versions.yaml', () => {
  let components: ReturnType<typeof readVersions> = [];
  let names: string[] = [];
  beforeAll(() => {
    components = readVersions();
    names = components.map(c => c.name);
  });

  it('pins every component to one exact version', () => {
    for (const c of components)
      expect({ [c.name]: c.version }).toEqual({
        [c.name]: expect.stringMatching(/^v?\d+\.\d+(\.\d+)?(\+rke2r\d+)?$/),
      });
  });

  it('lists each component after everything it requires', () => {
    const late = components.flatMap((c, i) =>
      c.requires
        .filter(r => !names.slice(0, i).includes(r))
        .map(
          r =>
            `${c.name} requires ${r}, which ${
              names.includes(r) ? 'comes later' : 'is not listed'
            }`,
        ),
    );
    expect(late).toEqual([]);
  });

  it('has an installed provider for every API group the manifests use', () => {
    const provided = new Set(components.flatMap(c => c.provides));
    const missing = [
      ...new Set(
        rendered()
          .map(groupOf)
          .filter(g => !BUILT_IN_GROUPS.has(g) && !provided.has(g)),
      ),
    ];
    expect(missing).toEqual([]);
  });

  it('installs cert-manager before the Barman Cloud plugin the database backups use', () => {
    // The plugin's release manifest holds cert-manager Certificates and an
    // Issuer (cloudnative-pg/plugin-barman-cloud, docs "Installation").
    const usesPlugin = sites.some(s =>
      built(`overlays/${s}`).some(
        o =>
          groupOf(o) === 'barmancloud.cnpg.io' ||
          (o.kind === 'Cluster' &&
            (o.spec.plugins ?? []).some(
              (p: any) => p.name === 'barman-cloud.cloudnative-pg.io',
            )),
      ),
    );
    expect(usesPlugin).toBe(true);
    const plugin = components.find(c =>
      c.provides.includes('barmancloud.cnpg.io'),
    );
    expect(plugin?.requires).toEqual(
      expect.arrayContaining(['cert-manager', 'cnpg']),
    );
    expect(names.indexOf('cert-manager')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('cert-manager')).toBeLessThan(
      names.indexOf(plugin!.name),
    );
  });

  it('is the version of everything deploy/ fetches or pins', () => {
    // Each finding names the file and line, what it says and what
    // versions.yaml says.
    expect(versionFindings(components)).toEqual([]);
  });

  it('is the version of every HelmChart', () => {
    const charts = helmCharts();
    expect(charts.length).toBeGreaterThan(0);
    for (const { where, chart } of charts) {
      const component = components.find(c => c.name === chart.spec.chart);
      expect({ where, chart: chart.spec.chart, listed: !!component }).toEqual({
        where,
        chart: chart.spec.chart,
        listed: true,
      });
      expect({ where, version: chart.spec.version }).toEqual({
        where,
        version: component!.version,
      });
    }
  });

  it('leaves no remote base of a kustomization unpinned', () => {
    const remote = deployTextFiles()
      .filter(f => path.basename(f) === 'kustomization.yaml')
      .flatMap(f => {
        const k = yaml.parse(fs.readFileSync(f, 'utf8'));
        return [...(k.resources ?? []), ...(k.bases ?? [])]
          .filter((r: string) => /^(https?:|git@|github\.com\/)/.test(r))
          .map((r: string) => ({ file: path.relative(DEPLOY, f), r }));
      });
    const unpinned = remote.filter(({ r }) => {
      const ref = /[?&]ref=([^&]+)/.exec(r)?.[1];
      return (
        !ref ||
        !components.some(
          c => c.version === ref && c.sources.some(s => r.includes(s)),
        )
      );
    });
    expect(unpinned).toEqual([]);
  });

  it('notices a reference that differs from it, so the check above means something', () => {
    const changed = components.map(c =>
      c.name === 'kube-vip' ? { ...c, version: 'v0.0.1' } : c,
    );
    expect(versionFindings(changed).map(f => f.where)).toContain(
      'deploy/base/kube-vip/daemonset.yaml:40',
    );
  });
});

describe.each(sites)('the %s site', site => {
  const objects = [
    ...built(`overlays/${site}`),
    ...built(`overlays/${site}/kube-vip`),
    ...built('monitoring'),
  ];

  it('runs no image by a moving tag', () => {
    const images = objects.flatMap(o => {
      const spec = o.spec?.template?.spec;
      const containers = [
        ...(spec?.containers ?? []),
        ...(spec?.initContainers ?? []),
      ].map((c: any) => c.image as string);
      if (o.kind === 'Cluster' && o.spec.imageName)
        containers.push(o.spec.imageName);
      return containers.map(image => ({
        object: `${o.kind} ${o.metadata.name}`,
        image,
      }));
    });
    expect(images.length).toBeGreaterThan(0);
    const moving = images.filter(({ image }) => {
      if (image.includes('@sha256:')) return false;
      const tag = /:([^/:]+)$/.exec(image)?.[1];
      return (
        !tag ||
        [
          'latest',
          'main',
          'master',
          'edge',
          'stable',
          'dev',
          'nightly',
        ].includes(tag)
      );
    });
    expect(moving).toEqual([]);
  });

  it('applies kube-vip once: the first server applies it, the overlay does not', () => {
    const key = (o: KubeObject) =>
      `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const overlay = new Set(built(`overlays/${site}`).map(key));
    expect(
      built(`overlays/${site}/kube-vip`)
        .map(key)
        .filter(k => overlay.has(k)),
    ).toEqual([]);
  });

  it('gives Grafana its admin login from a Secret in a namespace the overlay creates before it', () => {
    const monitoring = built('monitoring');
    const chart = monitoring.find(
      o => o.kind === 'HelmChart' && o.spec.chart === 'kube-prometheus-stack',
    )!;
    const secret = monitoring.find(
      o =>
        o.kind === 'Secret' &&
        o.metadata.name === chart.spec.valuesSecrets[0].name,
    )!;
    const values = yaml.parse(
      Buffer.from(
        secret.data['values.yaml'].replace(/\s/g, ''),
        'base64',
      ).toString('utf8'),
    );
    // Without an existing Secret the chart makes up a password nobody is told.
    expect(values.grafana.admin).toEqual({
      existingSecret: 'grafana-admin',
      userKey: 'admin-user',
      passwordKey: 'admin-password',
    });
    const namespaces = built(`overlays/${site}`)
      .filter(o => o.kind === 'Namespace')
      .map(o => o.metadata.name);
    expect(namespaces).toContain(chart.spec.targetNamespace);
  });
});
