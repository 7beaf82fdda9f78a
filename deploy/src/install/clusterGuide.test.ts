import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import {
  startFakeKubectl,
  type FakeKubectl,
} from './__testUtils__/fakeKubectl';
import { commandsOf, guideSteps, words } from './__testUtils__/guide';
import { guideProblems } from './__testUtils__/guideOrder';
import {
  DEPLOY,
  GUIDE,
  PHASES,
  REPO,
  removeScratch,
} from './__testUtils__/installRun';

jest.setTimeout(300_000);

const guide = fs.readFileSync(GUIDE, 'utf8');
const steps = guideSteps(guide);
const stepTitled = (pattern: RegExp) => steps.find(s => pattern.test(s.title));

let fake: FakeKubectl;
beforeAll(async () => {
  fake = await startFakeKubectl();
});
afterAll(async () => {
  await fake.close();
  removeScratch();
});

describe('docs/cluster-guide.md, read top to bottom', () => {
  it('has numbered steps in order', () => {
    expect(steps.length).toBeGreaterThan(10);
    expect(steps.map(s => s.number)).toEqual(steps.map((_s, i) => i + 1));
  });

  it('never uses in a step what only a later step makes', async () => {
    const problems = await guideProblems(guide, fake);
    expect(
      problems.map(p => `step ${p.step} uses ${p.uses}: ${p.why}`),
    ).toEqual([]);
  });

  it('notices a step that uses what a later one makes, so the check above means something', async () => {
    const broken = [
      '## 1. Servers',
      '```sh',
      'sudo -E ./install-server.sh first',
      '```',
      '## 2. Database',
      'Check: `kubectl -n desktop-mania get cluster backstage-db`.',
      '## 3. Everything',
      '```sh',
      'kubectl apply -k deploy/overlays/production',
      '```',
    ].join('\n');
    const problems = await guideProblems(broken, fake);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          step: 2,
          uses: 'namespace desktop-mania',
          madeIn: 3,
        }),
      ]),
    );
  });
});

describe("the guide's commands", () => {
  const invocations = steps.flatMap(s =>
    commandsOf(s.body).map(c => ({ step: s.number, words: words(c) })),
  );
  // The first argument each of deploy's scripts accepts: its case labels.
  const subcommands = (script: string) =>
    [
      ...fs
        .readFileSync(path.join(DEPLOY, script), 'utf8')
        .matchAll(/^\s*([a-z][a-z|]*)\)/gm),
    ].flatMap(m => m[1].split('|'));

  it.each([
    ['images/windows-golden-image.sh'],
    ['images/linux-desktop-image.sh'],
    ['rke2/install-server.sh'],
  ])('call %s the way it is written to be called', script => {
    const allowed = subcommands(script);
    const calls = invocations.filter(i =>
      i.words.some(w => w.endsWith(path.basename(script))),
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const at = call.words.findIndex(w => w.endsWith(path.basename(script)));
      expect({ step: call.step, argument: call.words[at + 1] }).toEqual({
        step: call.step,
        argument: expect.stringMatching(new RegExp(`^(${allowed.join('|')})$`)),
      });
    }
  });

  it('call install.sh with an overlay and its phases', () => {
    const overlays = fs.readdirSync(path.join(DEPLOY, 'overlays'));
    const calls = invocations.filter(i =>
      i.words.some(w => /(^|\/)install\.sh$/.test(w)),
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const at = call.words.findIndex(w => /(^|\/)install\.sh$/.test(w));
      const [overlay, ...phases] = call.words.slice(at + 1);
      expect(overlays).toContain(overlay);
      for (const phase of phases) expect(PHASES).toContain(phase);
    }
  });
});

describe('the failover and health checks', () => {
  const failover = stepTitled(/failover/i);

  it('take a server down completely: systemctl stop leaves etcd, the API server and kube-vip running', () => {
    // rke2-server.service has KillMode=process and its ExecStopPost kills
    // only containerd and kubelet, so the static pods' and kube-vip's
    // containers go on (rancher/rke2 bundle/lib/systemd/system/rke2-server.service).
    expect(failover).toBeDefined();
    const commands = commandsOf(failover!.body);
    expect(
      commands.filter(
        c =>
          /systemctl stop rke2-server/.test(c) && !/rke2-killall\.sh/.test(c),
      ),
    ).toEqual([]);
    expect(commands.some(c => /rke2-killall\.sh/.test(c))).toBe(true);
  });

  it('probe the API without anonymous access: /healthz on 6443 answers 401', () => {
    // RKE2 runs kube-apiserver with --anonymous-auth=false; the supervisor's
    // /ping on 9345 needs no credentials (k3s-io/k3s
    // pkg/server/handlers/router.go).
    expect(guide).not.toMatch(/curl[^\n`]*:6443\/(healthz|readyz|livez)/);
    expect(guide).toMatch(/:9345\/ping/);
  });
});

describe("the guide's other facts", () => {
  it('tells to order Windows in a size with the vCPUs its preference requires', () => {
    const config = yaml.parse(
      fs.readFileSync(
        path.join(DEPLOY, 'base/backstage/app-config.production.yaml'),
        'utf8',
      ),
    );
    const windows = config.workspaces.images.find(
      (i: any) => i.os === 'windows',
    );
    const sizes = config.workspaces.sizes.filter(
      (s: any) => s.cpu >= windows.minimum.cpu,
    );
    const smallest = sizes.sort((a: any, b: any) => a.cpu - b.cpu)[0];
    const text = steps.map(s => s.body).join('\n');
    expect(text).toMatch(
      new RegExp(`windows\\.11\\.virtio[^.]*${windows.minimum.cpu} vCPU`, 'i'),
    );
    expect(text).toMatch(
      new RegExp(`${smallest.title.split(' ')[0]}[^.]*or larger`),
    );
  });

  it('says that token rotation restarts every node', () => {
    // rancher/rke2-docs docs/security/token.md: after `rke2 token rotate`,
    // all servers and agents that used the original token are restarted
    // with the new one.
    const text = steps.map(s => s.body).join('\n');
    expect(text).toMatch(/rke2 token rotate/);
    const rotation = text.slice(text.indexOf('rke2 token rotate'));
    expect(rotation).toMatch(/every (server|node)[^.]*(agent|worker)?/i);
  });

  it('keeps the sections and step numbers other files point at', () => {
    const refs = spawnSync(
      'git',
      [
        'grep',
        '-h',
        '-o',
        '-E',
        'cluster-guide\\.md, (step [0-9]+|"[^"]+")',
        '--',
        ':!docs/cluster-guide.md',
      ],
      { cwd: REPO, encoding: 'utf8' },
    )
      .stdout.split('\n')
      .filter(Boolean);
    expect(refs.length).toBeGreaterThan(0);
    const missing = refs.filter(ref => {
      const step = /step (\d+)/.exec(ref);
      const title = /"([^"]+)"/.exec(ref);
      return step
        ? !steps.some(s => s.number === Number(step[1]))
        : !steps.some(s => s.title === title![1]);
    });
    expect(missing).toEqual([]);
    // The conformance module's "install KubeVirt and CDI first (step 9)".
    expect(steps.find(s => s.number === 9)?.body).toMatch(/KubeVirt[\s\S]*CDI/);
  });
});
