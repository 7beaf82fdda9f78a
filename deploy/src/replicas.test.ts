import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { kustomizeAvailable } from './__testUtils__/kustomize';
import { built } from './__testUtils__/site';
import { budgetsOf, workloadsOf } from './__testUtils__/workloads';

if (!kustomizeAvailable()) {
  throw new Error(
    'kubectl is not on PATH; run the tests through scripts/test.sh, which installs it',
  );
}

const DEPLOY = path.resolve(__dirname, '..');
const PORTAL = 'Deployment desktop-mania/backstage';

/** The portal's replicas, how a rollout replaces them, and what guards them. */
function portalOf(overlay: string) {
  const objects = built(`overlays/${overlay}`);
  const portal = workloadsOf(objects).find(w => w.id === PORTAL)!;
  const labels = portal.template.labels;
  const budgets = budgetsOf(objects).filter(
    b =>
      b.namespace === 'desktop-mania' &&
      Object.entries(b.selector.matchLabels ?? {}).every(
        ([k, v]) => labels[k] === v,
      ),
  );
  const routes = objects.filter(o => o.kind === 'IngressRoute');
  return { portal, budgets, routes };
}

describe('the portal replicas in production', () => {
  const { portal, budgets, routes } = portalOf('production');

  it('runs three replicas that a rollout replaces one at a time', () => {
    expect(portal.replicas).toBe(3);
    // One new pod at a time, and no old one goes before it is ready.
    expect(portal.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it('lets a drain take one replica at a time, and never blocks it', () => {
    expect(budgets).toHaveLength(1);
    expect(budgets[0].maxUnavailable).toBe(1);
    expect(budgets[0].minAvailable).toBeUndefined();
  });

  it('routes without session affinity: any replica serves any request', () => {
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      for (const r of route.spec.routes) {
        for (const service of r.services ?? []) {
          expect(service.sticky).toBeUndefined();
        }
      }
    }
    const service = built('overlays/production').find(
      o => o.kind === 'Service' && o.metadata.name === 'backstage',
    );
    expect(service?.spec.sessionAffinity ?? 'None').toBe('None');
  });

  it('shares events and scheduled work through PostgreSQL', () => {
    const config = yaml.parse(
      fs.readFileSync(
        path.join(DEPLOY, 'base/backstage/app-config.production.yaml'),
        'utf8',
      ),
    );
    expect(config.backend.database.client).toBe('pg');
    expect(config.events.useEventBus).toBe('always');
    expect(config.workspaces.console.lease).toBe('30s');
  });
});
