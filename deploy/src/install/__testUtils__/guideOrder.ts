import fs from 'fs';
import path from 'path';
import { buildKustomization } from '../../__testUtils__/kustomize';
import {
  documents,
  groupOf,
  keyOf,
  parseArgs,
  type KubeObject,
} from './fakeCluster';
import type { FakeKubectl } from './fakeKubectl';
import {
  commandsOf,
  guideSteps,
  operatorInputs,
  proseOf,
  words,
  type GuideStep,
} from './guide';
import { DEPLOY, PHASES, REPO, inputValues, runInstall } from './installRun';

/**
 * Whether the guide, read top to bottom, ever uses something a later step
 * makes. A heuristic, in two halves:
 *
 * What a step makes is found by doing it against the fake cluster, in order:
 * its install.sh runs (with the phases it names), its kubectl apply/create
 * commands, and what the scripts it runs are known to make (the first
 * server brings RKE2's own objects, the Windows image script its
 * DataSource).
 *
 * What a step uses: the namespace of every kubectl command (-n), the object
 * a kubectl get/wait/rollout/exec/describe/logs names, every name in
 * backticks in a "Check" paragraph that is the name of an object some step
 * makes, and the objects of a deploy/base folder its prose mentions.
 */
export interface GuideProblem {
  step: number;
  uses: string;
  madeIn?: number;
  why: string;
}

const INSPECTING = new Set([
  'get',
  'wait',
  'rollout',
  'exec',
  'describe',
  'logs',
  'port-forward',
  'edit',
  'label',
  'annotate',
]);

/** Scripts of deploy/ and what running them leaves in the cluster. */
const SCRIPT_MAKES: Array<
  [RegExp, (cluster: FakeKubectl['cluster']) => string[]]
> = [
  [/install-server\.sh\s+first/, c => [...c.baseline]],
  [
    /windows-golden-image\.sh\s+(build|upload)/,
    () => ['cdi.kubevirt.io/DataSource/desktop-images/windows-11-desktop'],
  ],
];

function kubectlCommands(command: string): string[][] {
  return command
    .split(/\||&&|;/)
    .map(segment => words(segment.trim()))
    .map(w => {
      const at = w.findIndex(x => /(^|\/)kubectl$/.test(x));
      return at < 0 ? [] : w.slice(at + 1);
    })
    .filter(argv => argv.length > 0);
}

function installRuns(command: string): string[][] {
  const w = words(command);
  const at = w.findIndex(x => /(^|\/)install\.sh$/.test(x));
  if (at < 0) return [];
  const args = w.slice(at + 1).filter(x => !x.startsWith('-'));
  const [overlay, ...rest] = args;
  const phases = rest.filter(p => (PHASES as readonly string[]).includes(p));
  return overlay ? [[overlay, ...phases]] : [];
}

export async function guideProblems(
  markdown: string,
  fake: FakeKubectl,
): Promise<GuideProblem[]> {
  const steps = guideSteps(markdown);
  const inputs = inputValues(operatorInputs(markdown).map(i => i.variable));
  const madeIn = new Map<string, number>();
  const problems: GuideProblem[] = [];
  const cluster = fake.reset();
  const note = (key: string, step: number) => {
    if (!madeIn.has(key)) madeIn.set(key, step);
  };

  // First half: do every step.
  for (const step of steps) {
    for (const command of commandsOf(step.body)) {
      for (const [pattern, makes] of SCRIPT_MAKES) {
        if (pattern.test(command))
          makes(cluster).forEach(k => note(k, step.number));
      }
      for (const args of installRuns(command)) {
        const run = await runInstall(fake, args, inputs);
        cluster.events
          .slice(run.eventsBefore)
          .filter(e => e.op === 'create')
          .forEach(e => note(e.key, step.number));
        if (run.code !== 0) {
          problems.push({
            step: step.number,
            uses: `install.sh ${args.join(' ')}`,
            why: `fails at this point of the guide: ${
              run.stderr.trim().split('\n')[0]
            }`,
          });
        }
      }
      for (const argv of kubectlCommands(command)) {
        const verb = parseArgs(argv).positional[0];
        if (verb !== 'apply' && verb !== 'create') continue;
        const before = cluster.events.length;
        cluster.run(
          argv.map(a => (a.startsWith('$(') ? 'x' : a)),
          { cwd: REPO },
        );
        cluster.events
          .slice(before)
          .filter(e => e.op === 'create')
          .forEach(e => note(e.key, step.number));
      }
    }
  }

  // Second half: what each step uses, against where it is made.
  const names = new Map<string, string[]>();
  for (const key of madeIn.keys()) {
    if (cluster.baseline.has(key)) continue;
    const name = key.split('/').slice(3).join('/');
    names.set(name, [...(names.get(name) ?? []), key]);
  }
  const check = (step: GuideStep, uses: string, keys: string[]) => {
    const made = keys
      .map(k => madeIn.get(k))
      .filter((n): n is number => n !== undefined);
    const first = made.length ? Math.min(...made) : undefined;
    if (first === undefined) {
      problems.push({ step: step.number, uses, why: 'no step makes it' });
    } else if (first > step.number) {
      problems.push({
        step: step.number,
        uses,
        madeIn: first,
        why: `step ${first} makes it`,
      });
    }
  };

  for (const step of steps) {
    for (const command of commandsOf(step.body)) {
      for (const argv of kubectlCommands(command)) {
        const args = parseArgs(argv);
        const ns = args.one('-n', '--namespace');
        if (ns && !/[<$]/.test(ns)) {
          check(step, `namespace ${ns}`, [`/Namespace//${ns}`]);
        }
        const [verb, ...rest] = args.positional;
        if (!INSPECTING.has(verb)) continue;
        const targets = verb === 'rollout' ? rest.slice(1) : rest;
        if (!targets.length) continue;
        let [typeName, name] = targets;
        if (typeName.includes('/')) [typeName, name] = typeName.split('/');
        if (!name || /[<$]/.test(name)) continue;
        let type;
        try {
          type = cluster.typeOfName(typeName);
        } catch {
          continue;
        }
        if (type.kind === 'Pod') continue; // pods of a workload have made-up names
        const key = `${type.group}/${type.kind}/${
          type.namespaced ? ns ?? 'default' : ''
        }/${name}`;
        check(step, `${type.kind} ${ns ? `${ns}/` : ''}${name}`, [key]);
      }
    }

    const prose = proseOf(step.body);
    for (const paragraph of prose.split(/\n\s*\n/)) {
      if (!/^\s*Check\b/.test(paragraph)) continue;
      for (const span of paragraph.matchAll(/`([a-z0-9][a-z0-9.-]*)`/g)) {
        const keys = names.get(span[1]);
        if (keys) check(step, `${span[1]} (named in a Check)`, keys);
      }
    }

    // A file of deploy/base stands for its objects, a folder for its
    // kustomization's.
    for (const m of prose.matchAll(
      /deploy\/base\/([a-z0-9-]+)(\/[a-z0-9.-]+\.yaml)?/g,
    )) {
      let objects: KubeObject[];
      try {
        objects = m[2]
          ? documents(
              fs.readFileSync(path.join(DEPLOY, 'base', m[1], m[2]), 'utf8'),
            )
          : buildKustomization(path.join(DEPLOY, 'base', m[1]));
      } catch {
        continue;
      }
      for (const o of objects) {
        // Only what the cluster stores: org.yaml's Backstage entities are not.
        if (!cluster.typeOfKind(groupOf(o.apiVersion), o.kind)) continue;
        const key = keyOf(o);
        // kustomize leaves the namespace of cluster-scoped objects unset.
        const group = groupOf(o.apiVersion);
        check(
          step,
          `${o.kind} ${o.metadata.name} of deploy/base/${m[1]}${m[2] ?? ''}`,
          [key, `${group}/${o.kind}//${o.metadata.name}`],
        );
      }
    }
  }
  return problems;
}
