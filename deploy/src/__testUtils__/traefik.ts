import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import type { KubeObject } from './kustomize';

const DEPLOY = path.resolve(__dirname, '../..');

/**
 * providers.kubernetesCRD.ingressClass of the rke2-traefik chart RKE2
 * bundles. rancher/rke2-charts patches the upstream default ("") to
 * "traefik": packages/rke2-traefik/generated-changes/patch/values.yaml.patch,
 * in the 34.2.0 package (RKE2 v1.33, charts/chart_versions.yaml of
 * rancher/rke2) and still in 40.1.0 (RKE2 v1.35).
 */
export const RKE2_TRAEFIK_CRD_INGRESS_CLASS = 'traefik';

/** The HelmChartConfig deploy/rke2/traefik-config.yaml puts in RKE2's manifests folder. */
export function traefikValues(): Record<string, any> {
  const file = path.join(DEPLOY, 'rke2', 'traefik-config.yaml');
  const config = yaml.parse(fs.readFileSync(file, 'utf8'));
  if (
    config?.kind !== 'HelmChartConfig' ||
    config.metadata?.name !== 'rke2-traefik'
  )
    throw new Error(`${file} is not the rke2-traefik HelmChartConfig`);
  return yaml.parse(config.spec.valuesContent ?? '') ?? {};
}

/** The class the CRD provider is left with: the HelmChartConfig's, or the chart's. */
export function crdProviderIngressClass(
  values: Record<string, any> = traefikValues(),
): string {
  const set = values.providers?.kubernetesCRD?.ingressClass;
  return set === undefined || set === null
    ? RKE2_TRAEFIK_CRD_INGRESS_CLASS
    : String(set);
}

/**
 * The class an IngressRoute asks for: spec.ingressClassName where Traefik
 * knows it (3.7 on), else a non-empty kubernetes.io/ingress.class annotation
 * (traefik/traefik pkg/provider/kubernetes/crd/kubernetes.go,
 * getIngressClassName in v3.7; v3.3 reads only the annotation).
 */
export function requestedIngressClass(route: KubeObject): string {
  if (typeof route.spec?.ingressClassName === 'string')
    return route.spec.ingressClassName;
  const annotations: Record<string, string> | undefined = (
    route.metadata as { annotations?: Record<string, string> }
  ).annotations;
  return annotations?.['kubernetes.io/ingress.class'] ?? '';
}

/**
 * Whether Traefik's CRD provider loads the route: the same class, or no
 * class configured and the route asking for none or "traefik"
 * (shouldProcessIngress in pkg/provider/kubernetes/crd/kubernetes.go, called
 * for every IngressRoute in kubernetes_http.go; identical in v3.3 and v3.7).
 */
export function crdProviderLoads(
  providerClass: string,
  route: KubeObject,
): boolean {
  const requested = requestedIngressClass(route);
  return (
    providerClass === requested ||
    (providerClass === '' && (requested === '' || requested === 'traefik'))
  );
}
