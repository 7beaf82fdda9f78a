import fs from 'fs';
import path from 'path';
import { buildKustomization } from '../__testUtils__/kustomize';
import {
  startFakeKubectl,
  type FakeKubectl,
} from './__testUtils__/fakeKubectl';
import { operatorInputs } from './__testUtils__/guide';
import {
  DEPLOY,
  GUIDE,
  inputValues,
  runInstall,
  removeScratch,
} from './__testUtils__/installRun';
import { secretRefs } from './__testUtils__/secretRefs';

// The portal once stopped at CreateContainerConfigError because the guide
// never made a key its Deployment reads, and Grafana waited on a Secret
// nothing made: every Secret the manifests read must come from the install
// script, or be an operator input the guide lists.
jest.setTimeout(120_000);

const guide = fs.readFileSync(GUIDE, 'utf8');
const inputs = operatorInputs(guide);

let fake: FakeKubectl;
beforeAll(async () => {
  fake = await startFakeKubectl();
});
afterAll(async () => {
  await fake.close();
  removeScratch();
});

describe.each(['lab', 'production'])('the %s overlay', overlay => {
  const rendered = [
    ...buildKustomization(path.join(DEPLOY, 'overlays', overlay)),
    ...buildKustomization(path.join(DEPLOY, 'monitoring')),
  ];
  const refs = secretRefs(rendered);

  let run: Awaited<ReturnType<typeof runInstall>>;
  let made: (ns: string, name: string) => Record<string, string> | undefined;
  beforeAll(async () => {
    fake.reset();
    run = await runInstall(
      fake,
      [overlay],
      inputValues(inputs.map(i => i.variable)),
    );
    made = (ns, name) => fake.cluster.secretData(ns, name);
  });

  it('is installed by deploy/install.sh', () => {
    expect(run.stderr).not.toMatch(/install\.sh: /);
    expect(run.code).toBe(0);
  });

  it('reads Secrets at all, so the check below means something', () => {
    const names = refs.map(r => `${r.namespace}/${r.secret}`);
    for (const expected of [
      'desktop-mania/backstage-secrets',
      'desktop-mania/backstage-db-credentials',
      'desktop-mania/backup-s3',
      'monitoring/grafana-admin',
      'kube-system/kube-prometheus-stack-values',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it.each(
    refs.map(r => [
      `${r.namespace}/${r.secret}${r.key ? ` key ${r.key}` : ''} (${r.from})`,
      r,
    ]),
  )(
    '%s is made by install.sh or is an operator input the guide lists',
    (_title, ref) => {
      const data = made(ref.namespace, ref.secret);
      const listed = inputs.some(
        i =>
          i.namespace === ref.namespace &&
          i.secret === ref.secret &&
          (!ref.key || i.key === ref.key),
      );
      const madeByInstall = data !== undefined && (!ref.key || ref.key in data);
      expect(
        madeByInstall || listed
          ? 'provided'
          : 'neither made by install.sh nor listed as an operator input',
      ).toBe('provided');
    },
  );
});

describe("the guide's operator inputs", () => {
  const scripts = fs
    .readdirSync(path.join(DEPLOY, 'install'))
    .filter(f => f.endsWith('.sh'))
    .map(f => fs.readFileSync(path.join(DEPLOY, 'install', f), 'utf8'))
    .join('\n');

  it('are listed', () => {
    expect(inputs.map(i => i.variable)).toEqual(
      expect.arrayContaining([
        'OIDC_CLIENT_ID',
        'OIDC_CLIENT_SECRET',
        'BACKUP_S3_ACCESS_KEY_ID',
        'BACKUP_S3_SECRET_ACCESS_KEY',
      ]),
    );
  });

  it.each(inputs.map(i => [i.variable, i]))(
    '%s is read by the install script',
    (variable, _input) => {
      expect(scripts).toMatch(new RegExp(`\\b${variable}\\b`));
    },
  );
});
