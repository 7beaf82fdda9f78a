import path from 'path';
import { buildKustomization, type KubeObject } from './kustomize';
import {
  budgetsOf,
  monitoringOf,
  operatorBudgetsOf,
  workloadsOf,
  type DisruptionBudget,
  type Workload,
} from './workloads';

const DEPLOY = path.resolve(__dirname, '../..');

const builds = new Map<string, KubeObject[]>();

/** `kubectl kustomize deploy/<dir>`, built once per test file. */
export function built(dir: string): KubeObject[] {
  if (!builds.has(dir))
    builds.set(dir, buildKustomization(path.join(DEPLOY, dir)));
  return builds.get(dir)!;
}

/**
 * Everything that runs on a site: its overlay, the kube-vip manifest the
 * first server applies, and the monitoring stack, as workloads and the
 * disruption budgets over them (written ones and the operators' own).
 */
export interface Site {
  overlay: KubeObject[];
  workloads: Workload[];
  budgets: DisruptionBudget[];
}

export function siteOf(name: string): Site {
  const overlay = built(`overlays/${name}`);
  const kubeVip = built(`overlays/${name}/kube-vip`);
  const monitoring = monitoringOf(built('monitoring'));
  // The same object reached twice (kube-vip, while an overlay also held
  // it) runs once.
  const workloads = new Map(
    [
      ...workloadsOf(overlay),
      ...workloadsOf(kubeVip),
      ...monitoring.workloads,
    ].map(w => [w.id, w]),
  );
  return {
    overlay,
    workloads: [...workloads.values()],
    budgets: [
      ...budgetsOf(overlay),
      ...operatorBudgetsOf(overlay),
      ...monitoring.budgets,
    ],
  };
}
