import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import type { Node, Taint, TaintEffect } from './scheduler';

const DEPLOY = path.resolve(__dirname, '../..');

/** A site's machines, as the overlay and docs/cluster-guide.md describe them. */
export interface Topology {
  servers: number;
  workers: number;
}

/**
 * lab: "three small servers and two workers" (overlays/lab/kustomization.yaml).
 * production: three servers and at least three workers
 * (overlays/production/kustomization.yaml); the checks run with three and
 * with four, so "at least" holds as well.
 */
export const TOPOLOGIES: Record<string, Topology[]> = {
  lab: [{ servers: 3, workers: 2 }],
  production: [
    { servers: 3, workers: 3 },
    { servers: 3, workers: 4 },
  ],
};

/** The smallest machines of docs/cluster-guide.md, "What you need". */
const SERVER = { cpu: 4000, memory: 8 * 2 ** 30 };
const WORKER = { cpu: 16000, memory: 64 * 2 ** 30 };

function rke2Config(file: string): Record<string, any> {
  return yaml.parse(fs.readFileSync(path.join(DEPLOY, 'rke2', file), 'utf8'));
}

/** RKE2's node-taint syntax: key[=value]:Effect. */
function parseTaint(spec: string): Taint {
  const m =
    /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(
      spec,
    );
  if (!m) throw new Error(`not a taint: ${spec}`);
  return { key: m[1], value: m[2], effect: m[3] as TaintEffect };
}

function parseLabels(specs: string[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (specs ?? []).map(s => {
      const i = s.indexOf('=');
      return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
    }),
  );
}

/**
 * The nodes RKE2 makes from deploy/rke2's configs: servers carry the taints
 * and labels of config-server-first.yaml (the first) and
 * config-server-join.yaml (the others) plus the role labels RKE2 gives every
 * server; workers those of config-agent.yaml.
 */
export function nodesOf(topology: Topology, site: string): Node[] {
  const first = rke2Config('config-server-first.yaml');
  const join = rke2Config('config-server-join.yaml');
  const agent = rke2Config('config-agent.yaml');
  const base = (name: string) => ({
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
  });
  const servers = Array.from({ length: topology.servers }, (_, i) => {
    const name = `${site}-server-${i + 1}`;
    const config = i === 0 ? first : join;
    return {
      name,
      labels: {
        ...base(name),
        'node-role.kubernetes.io/control-plane': 'true',
        'node-role.kubernetes.io/etcd': 'true',
        'node-role.kubernetes.io/master': 'true',
        ...parseLabels(config['node-label']),
      },
      taints: (config['node-taint'] ?? []).map(parseTaint),
      allocatable: SERVER,
    };
  });
  const workers = Array.from({ length: topology.workers }, (_, i) => {
    const name = `${site}-worker-${i + 1}`;
    return {
      name,
      labels: { ...base(name), ...parseLabels(agent['node-label']) },
      taints: (agent['node-taint'] ?? []).map(parseTaint),
      allocatable: WORKER,
    };
  });
  return [...servers, ...workers];
}

export const describeTopology = (t: Topology) =>
  `${t.servers} servers and ${t.workers} workers`;
