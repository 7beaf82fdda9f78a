import fs from 'fs';
import path from 'path';
import { validateManifests } from '../__testUtils__/validateManifests';
import { GATES, RELEASES, groupOf, keyOf } from './__testUtils__/fakeCluster';
import {
  startFakeKubectl,
  type FakeKubectl,
} from './__testUtils__/fakeKubectl';
import { operatorInputs } from './__testUtils__/guide';
import {
  DEPLOY,
  GUIDE,
  PHASES,
  createdSince,
  inputValues,
  runInstall,
  sentObjects,
  removeScratch,
} from './__testUtils__/installRun';

// Every run here goes through a model of the cluster (fakeCluster.ts) that
// refuses what a real one would refuse, so a passing run means the order is
// one a cluster accepts, not only the one the script happens to use.
jest.setTimeout(120_000);

const inputs = inputValues(
  operatorInputs(fs.readFileSync(GUIDE, 'utf8')).map(i => i.variable),
);

let fake: FakeKubectl;
beforeAll(async () => {
  fake = await startFakeKubectl();
});
afterAll(async () => {
  await fake.close();
  removeScratch();
});

const crdOf = (key: string) => {
  const [group, kind] = key.split('/');
  return [...fake.cluster.crds.values()].find(
    c => c.group === group && c.kind === kind,
  );
};

describe.each(['lab', 'production'])(
  'deploy/install.sh %s on a fresh cluster',
  overlay => {
    let run: Awaited<ReturnType<typeof runInstall>>;
    beforeAll(async () => {
      fake.reset();
      run = await runInstall(fake, [overlay], inputs);
    });

    it('completes, and prints one line for preflight and for each phase', () => {
      expect(run.stderr).not.toMatch(/install\.sh: /);
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines.map(l => l.split(':')[0])).toEqual(['preflight', ...PHASES]);
    });

    it('makes no kubectl call the model does not know', () => {
      const unsupported = fake.cluster.calls.filter(c =>
        /fake kubectl: unsupported/.test(c.stderr),
      );
      expect(unsupported.map(c => c.argv.join(' '))).toEqual([]);
    });

    it('creates every namespace before anything in it', () => {
      const { events, baseline } = fake.cluster;
      const created = new Map<string, number>();
      const late: string[] = [];
      for (const e of events.filter(x => x.op === 'create')) {
        created.set(e.key, e.seq);
        const ns = e.key.split('/')[2];
        const nsKey = `/Namespace//${ns}`;
        if (ns && !baseline.has(nsKey) && !created.has(nsKey)) late.push(e.key);
      }
      expect(late).toEqual([]);
    });

    it('applies every custom resource after its CRD, and after waiting for what serves it', () => {
      const { events, baseline } = fake.cluster;
      const seqOf = (op: string, key: string) =>
        events.find(e => e.op === op && e.key === key)?.seq ?? Infinity;
      const wrong: string[] = [];
      for (const e of events.filter(x => x.op === 'create')) {
        const [group, kind] = e.key.split('/');
        const type = crdOf(e.key);
        if (!type) continue; // a built-in kind
        const crdKey = `apiextensions.k8s.io/CustomResourceDefinition//${type.name}`;
        if (!baseline.has(crdKey) && !(seqOf('create', crdKey) < e.seq)) {
          wrong.push(`${e.key} before its CRD ${type.name}`);
        }
        const gate = GATES.find(([p]) => p.test(`${group}/${kind}`))?.[1];
        if (e.by === 'client' && gate && !(seqOf('ready', gate) < e.seq)) {
          wrong.push(`${e.key} before waiting for ${gate}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('installs cert-manager, and waits for its webhook, before the Barman Cloud plugin', () => {
      const events = fake.cluster.events;
      const seq = (pred: (e: (typeof events)[number]) => boolean) =>
        events.find(pred)?.seq ?? Infinity;
      const barman = seq(
        e => e.op === 'release' && /plugin-barman-cloud/.test(e.key),
      );
      const certManager = seq(
        e => e.op === 'release' && /cert-manager\.yaml$/.test(e.key),
      );
      const webhookReady = seq(
        e =>
          e.op === 'ready' &&
          e.key === 'cert-manager/Deployment/cert-manager-webhook',
      );
      const cnpg = seq(
        e => e.op === 'release' && /cnpg-[0-9.]+\.yaml$/.test(e.key),
      );
      expect(barman).toBeLessThan(Infinity);
      expect(certManager).toBeLessThan(webhookReady);
      expect(webhookReady).toBeLessThan(barman);
      expect(cnpg).toBeLessThan(barman);
    });

    it('applies the portal last, once its database is ready', () => {
      const events = fake.cluster.events;
      const portal = events.find(
        e =>
          e.key === 'apps/Deployment/desktop-mania/backstage' &&
          e.op === 'create',
      )!;
      const dbReady = events.find(
        e => e.op === 'ready' && e.key === 'desktop-mania/Cluster/backstage-db',
      )!;
      expect(dbReady.seq).toBeLessThan(portal.seq);
      expect(fake.cluster.ready).toContain(
        'desktop-mania/Deployment/backstage',
      );
    });

    it('fetches every operator at a version of deploy/versions.yaml', () => {
      const versions = fs.readFileSync(
        path.join(DEPLOY, 'versions.yaml'),
        'utf8',
      );
      const pinned = [...versions.matchAll(/^[a-z-]+: '?([^'\s]+)'?$/gm)].map(
        m => m[1],
      );
      const urls = fake.cluster.events
        .filter(e => e.op === 'release')
        .map(e => e.key);
      expect(urls.length).toBe(RELEASES.length);
      for (const url of urls) {
        expect(url).not.toMatch(/latest|main|master/);
        expect({
          url,
          pinned: pinned.some(
            v => url.includes(`/${v}/`) || url.includes(`-${v}.yaml`),
          ),
        }).toEqual({ url, pinned: true });
      }
      const charts = sentObjects(fake.cluster).filter(
        o => o.kind === 'HelmChart',
      );
      expect(charts.length).toBeGreaterThan(0);
      for (const chart of charts) {
        expect(pinned).toContain(chart.spec.version);
      }
    });

    it('sends only objects that validate against their schemas', () => {
      const sent = sentObjects(fake.cluster);
      expect(sent.length).toBeGreaterThan(0);
      const errors = validateManifests(sent);
      expect(
        sent
          .map((o, i) => [keyOf(o), errors[i]])
          .filter(([, e]) => (e as string[]).length),
      ).toEqual([]);
    });
  },
);

describe('running deploy/install.sh again', () => {
  let first: Record<string, Record<string, string> | undefined>;
  let firstRun: Awaited<ReturnType<typeof runInstall>>;
  let second: Awaited<ReturnType<typeof runInstall>>;
  const secrets = () =>
    Object.fromEntries(
      [...fake.cluster.objects.values()]
        .filter(o => o.kind === 'Secret')
        .map(o => [
          `${o.metadata.namespace}/${o.metadata.name}`,
          fake.cluster.secretData(o.metadata.namespace!, o.metadata.name),
        ]),
    );

  beforeAll(async () => {
    fake.reset();
    firstRun = await runInstall(fake, ['production'], inputs);
    first = secrets();
    // No operator input this time: nothing may need one.
    second = await runInstall(fake, ['production']);
  });

  it('completes without asking for anything', () => {
    expect(firstRun.code).toBe(0);
    expect(second.stderr).not.toMatch(/install\.sh: /);
    expect(second.code).toBe(0);
  });

  it('creates no Secret and changes none', () => {
    const secretWrites = fake.cluster.events
      .slice(second.eventsBefore)
      .filter(e => /^\/Secret\//.test(e.key) && e.op !== 'ready');
    expect(
      secretWrites.filter(e => !e.key.startsWith('/Secret/kube-system/')),
    ).toEqual([]);
    expect(secrets()).toEqual(first);
    expect(second.stdout).toMatch(
      /^secrets: kept backstage-secrets, kept backstage-db-credentials/m,
    );
  });

  it('creates nothing new', () => {
    expect(createdSince(fake.cluster, second.eventsBefore)).toEqual([]);
  });
});

describe('deploy/install.sh on a cluster set up by the old guide', () => {
  // The old guide made backstage-secrets without AUTH_SESSION_SECRET, so the
  // portal never started; the install adds the key and keeps the others.
  it('adds the missing session secret and keeps every value there was', async () => {
    fake.reset();
    expect((await runInstall(fake, ['production', 'namespaces'])).code).toBe(0);
    const old = {
      BACKEND_SECRET: 'old-backend',
      METRICS_TOKEN: 'old-metrics',
      OIDC_METADATA_URL:
        'https://sso.example.com/.well-known/openid-configuration',
      OIDC_CLIENT_ID: 'desktop-mania',
      OIDC_CLIENT_SECRET: 'old-client-secret',
    };
    fake.cluster.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'backstage-secrets', namespace: 'desktop-mania' },
      stringData: old,
    });
    const run = await runInstall(fake, ['production', 'secrets'], inputs);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /added AUTH_SESSION_SECRET to backstage-secrets/,
    );
    const now = fake.cluster.secretData('desktop-mania', 'backstage-secrets')!;
    expect(now).toMatchObject(old);
    expect(now.AUTH_SESSION_SECRET).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('deploy/install.sh when something does not come up', () => {
  it('stops at the first wait that fails, before anything that depends on it', async () => {
    fake.reset({ fail: /rollout status deployment\/cert-manager-webhook/ });
    const run = await runInstall(fake, ['production'], inputs);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/cert-manager-webhook/);
    expect(run.stdout).not.toMatch(/^operators:/m);
    const releases = fake.cluster.events
      .filter(e => e.op === 'release')
      .map(e => e.key);
    expect(releases.some(u => /plugin-barman-cloud/.test(u))).toBe(false);
    expect(
      fake.cluster.get('apps', 'Deployment', 'desktop-mania', 'backstage'),
    ).toBeUndefined();
  });

  it('stops before installing anything when an operator input is missing, naming it', async () => {
    fake.reset();
    const { OIDC_CLIENT_SECRET: _left, ...partial } = inputs;
    const run = await runInstall(fake, ['production'], partial);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/OIDC_CLIENT_SECRET is needed/);
    expect(fake.cluster.events.some(e => e.op === 'release')).toBe(false);
  });

  it('refuses a cluster without workers', async () => {
    fake.reset({ workers: 0 });
    const run = await runInstall(fake, ['production'], inputs);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/desktopmania\.io\/desktops=true/);
    expect(fake.cluster.events.filter(e => e.op === 'create')).toEqual([]);
  });

  it('names the phases when given one it does not know', async () => {
    fake.reset();
    const run = await runInstall(fake, ['production', 'database']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(PHASES.join(' '));
  });
});

describe('the order the model enforces', () => {
  // The checks above mean something only if the model refuses a wrong order.
  it('refuses a custom resource before its operator, and a Secret before its namespace', () => {
    fake.reset();
    const cr = fake.cluster.run(['apply', '-f', '-'], {
      stdin:
        'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: db\n  namespace: default\n',
    });
    expect(cr.code).toBe(1);
    expect(cr.stderr).toMatch(/ensure CRDs are installed first/);
    const secret = fake.cluster.run([
      '-n',
      'desktop-mania',
      'create',
      'secret',
      'generic',
      'x',
      '--from-literal',
      'a=b',
    ]);
    expect(secret.code).toBe(1);
    expect(secret.stderr).toMatch(/namespaces "desktop-mania" not found/);
  });

  it('refuses the Barman Cloud plugin without cert-manager', () => {
    fake.reset();
    const cnpg = RELEASES.find(r => r.name === 'CloudNativePG')!;
    expect(cnpg).toBeDefined();
    const url =
      'https://github.com/cloudnative-pg/plugin-barman-cloud/releases/download/v0.14.0/manifest.yaml';
    const result = fake.cluster.run(['apply', '--server-side', '-f', url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Certificate/);
  });

  it('keeps a portal without its session secret from rolling out', () => {
    fake.reset();
    fake.cluster.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'p' },
    });
    fake.cluster.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'backstage-secrets', namespace: 'p' },
      stringData: { BACKEND_SECRET: 'x' },
    });
    fake.cluster.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'backstage', namespace: 'p' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'b',
                env: [
                  {
                    name: 'AUTH_SESSION_SECRET',
                    valueFrom: {
                      secretKeyRef: {
                        name: 'backstage-secrets',
                        key: 'AUTH_SESSION_SECRET',
                      },
                    },
                  },
                ],
              },
            ],
          },
        },
      },
    });
    const result = fake.cluster.run([
      '-n',
      'p',
      'rollout',
      'status',
      'deployment/backstage',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/couldn't find key AUTH_SESSION_SECRET/);
    expect(groupOf('apps/v1')).toBe('apps');
  });
});
