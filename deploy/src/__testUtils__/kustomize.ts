import { spawnSync } from 'child_process';
import yaml from 'yaml';

/** A Kubernetes object as kustomize emits it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  [field: string]: any;
}

/** Whether `kubectl kustomize` can run here. */
export function kustomizeAvailable(): boolean {
  return (
    spawnSync('kubectl', ['kustomize', '--help'], { encoding: 'utf8' })
      .status === 0
  );
}

/**
 * Builds a kustomization with kubectl's embedded kustomize. The manifests use
 * syntax both kustomize v2 (kubectl 1.20, Debian's kubernetes-client) and v5
 * accept, so either kubectl works.
 */
export function buildKustomization(dir: string): KubeObject[] {
  const out = spawnSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.error || out.status !== 0) {
    throw new Error(
      `kubectl kustomize ${dir} failed: ${out.error?.message ?? out.stderr}`,
    );
  }
  return yaml
    .parseAllDocuments(out.stdout)
    .map(doc => doc.toJS())
    .filter(Boolean);
}
