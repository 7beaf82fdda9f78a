import { kustomizeAvailable } from './__testUtils__/kustomize';
import { built } from './__testUtils__/site';
import {
  RKE2_TRAEFIK_CRD_INGRESS_CLASS,
  crdProviderIngressClass,
  crdProviderLoads,
  traefikValues,
} from './__testUtils__/traefik';

if (!kustomizeAvailable()) {
  throw new Error(
    'kubectl is not on PATH; run the tests through scripts/test.sh, which installs it',
  );
}

const ROUTE_KINDS = ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP'];

describe("RKE2's bundled Traefik", () => {
  it('is configured by deploy/rke2/traefik-config.yaml with a CRD provider', () => {
    expect(traefikValues().providers?.kubernetesCRD?.enabled).toBe(true);
  });

  it('loads a route only when its class matches, as Traefik does', () => {
    const route = (annotations?: Record<string, string>) => ({
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name: 'r', annotations } as any,
      spec: {},
    });
    expect(crdProviderLoads('traefik', route())).toBe(false);
    expect(
      crdProviderLoads(
        'traefik',
        route({ 'kubernetes.io/ingress.class': 'traefik' }),
      ),
    ).toBe(true);
    expect(
      crdProviderLoads(
        'traefik',
        route({ 'kubernetes.io/ingress.class': 'nginx' }),
      ),
    ).toBe(false);
    expect(crdProviderLoads('', route())).toBe(true);
    expect(
      crdProviderLoads('', route({ 'kubernetes.io/ingress.class': 'traefik' })),
    ).toBe(true);
    expect(
      crdProviderLoads('', route({ 'kubernetes.io/ingress.class': 'other' })),
    ).toBe(false);
  });

  it(`keeps the chart's class unless the HelmChartConfig sets another (${RKE2_TRAEFIK_CRD_INGRESS_CLASS})`, () => {
    expect(crdProviderIngressClass({})).toBe(RKE2_TRAEFIK_CRD_INGRESS_CLASS);
    expect(
      crdProviderIngressClass({
        providers: { kubernetesCRD: { ingressClass: '' } },
      }),
    ).toBe('');
  });
});

describe.each(['lab', 'production'])('the %s overlay', overlay => {
  const routes = built(`overlays/${overlay}`).filter(
    o => o.apiVersion.startsWith('traefik.io/') && ROUTE_KINDS.includes(o.kind),
  );
  // The class deploy/rke2/traefik-config.yaml leaves the CRD provider with;
  // without one of its own, rke2-traefik's "traefik" (rancher/rke2-charts
  // packages/rke2-traefik/generated-changes/patch/values.yaml.patch). Traefik
  // skips a route whose class differs (traefik/traefik
  // pkg/provider/kubernetes/crd/kubernetes_http.go, shouldProcessIngress).
  const providerClass = crdProviderIngressClass();

  it('has the portal route', () => {
    expect(routes.map(r => r.metadata.name)).toContain('backstage');
  });

  it.each(
    routes.map(r => [
      `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`,
      r,
    ]),
  )(
    `%s is loaded by the bundled Traefik (ingress class "${providerClass}")`,
    (_name, route) => {
      expect(crdProviderLoads(providerClass, route)).toBe(true);
    },
  );
});
