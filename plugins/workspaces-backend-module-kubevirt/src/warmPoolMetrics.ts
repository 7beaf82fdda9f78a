import type {
  HttpAuthService,
  HttpRouterService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { workspaceMetricsReadPermission } from '@desktop-mania/plugin-workspaces-common';
import type { WarmPool } from './warmPool';

/** The path, under the workspaces plugin, Prometheus scrapes pool figures at. */
export const WARM_POOL_METRICS_PATH = '/kubevirt/warm-pool/metrics';

type Labels = { cluster: string; image: string; size: string };

const labelText = (l: Labels) =>
  `cluster=${JSON.stringify(l.cluster)},image=${JSON.stringify(
    l.image,
  )},size=${JSON.stringify(l.size)}`;

/**
 * Pool figures in the Prometheus text format. This module does not depend
 * on prom-client and cannot reach the plugin's registry, so it serves its
 * own few series. Members are what the last refill on this replica saw;
 * the refill runs on one replica at a time, so queries keep the series of
 * the replica with the newest `desktopmania_warm_pool_refreshed_timestamp_seconds`.
 * Claims and misses count on the replica that took the order; sum them.
 *
 * @public
 */
export class WarmPoolMetrics {
  private readonly members = new Map<
    string,
    Labels & { ready: number; preparing: number; target: number }
  >();
  private readonly claims = new Map<string, Labels & { n: number }>();
  private readonly misses = new Map<string, Labels & { n: number }>();
  private refreshedAt = 0;

  private static labels(cluster: string, pool: WarmPool): Labels {
    return { cluster, image: pool.image.name, size: pool.size.name };
  }

  setPool(cluster: string, pool: WarmPool, ready: number, preparing: number) {
    const labels = WarmPoolMetrics.labels(cluster, pool);
    this.members.set(labelText(labels), {
      ...labels,
      ready,
      preparing,
      target: pool.count,
    });
    this.refreshedAt = Date.now() / 1000;
  }

  private count(map: Map<string, Labels & { n: number }>, labels: Labels) {
    const key = labelText(labels);
    const entry = map.get(key) ?? { ...labels, n: 0 };
    entry.n += 1;
    map.set(key, entry);
  }

  claimed(cluster: string, pool: WarmPool) {
    this.count(this.claims, WarmPoolMetrics.labels(cluster, pool));
  }

  /** An order a pool exists for, that found no member to claim. */
  missed(cluster: string, pool: WarmPool) {
    this.count(this.misses, WarmPoolMetrics.labels(cluster, pool));
  }

  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family(
      'desktopmania_warm_pool_members',
      'gauge',
      'Warm-pool members by state (ready to claim, or still preparing), as of the last refill',
    );
    for (const m of this.members.values()) {
      const l = labelText(m);
      lines.push(
        `desktopmania_warm_pool_members{${l},state="ready"} ${m.ready}`,
      );
      lines.push(
        `desktopmania_warm_pool_members{${l},state="preparing"} ${m.preparing}`,
      );
    }
    family(
      'desktopmania_warm_pool_target',
      'gauge',
      'How many members each pool is configured to keep',
    );
    for (const m of this.members.values()) {
      lines.push(`desktopmania_warm_pool_target{${labelText(m)}} ${m.target}`);
    }
    family(
      'desktopmania_warm_pool_refreshed_timestamp_seconds',
      'gauge',
      'When this replica last refilled the pools',
    );
    lines.push(
      `desktopmania_warm_pool_refreshed_timestamp_seconds ${this.refreshedAt}`,
    );
    const counter = (
      name: string,
      help: string,
      map: Map<string, Labels & { n: number }>,
    ) => {
      family(name, 'counter', help);
      for (const c of map.values())
        lines.push(`${name}{${labelText(c)}} ${c.n}`);
    };
    counter(
      'desktopmania_warm_pool_claims_total',
      'Orders that took a warm-pool member',
      this.claims,
    );
    counter(
      'desktopmania_warm_pool_misses_total',
      'Orders a pool exists for that found it empty and cloned a disk instead',
      this.misses,
    );
    return `${lines.join('\n')}\n`;
  }
}

/**
 * Serves the figures to the scrape token (a service principal whose access
 * restrictions grant `workspace.metrics.read`), like the plugin's /metrics.
 */
export function warmPoolMetricsHandler(
  metrics: WarmPoolMetrics,
  deps: { httpAuth: HttpAuthService; permissions: PermissionsService },
): Parameters<HttpRouterService['use']>[0] {
  return (req, res, next) => {
    if (req.method !== 'GET' || req.path !== WARM_POOL_METRICS_PATH) {
      next();
      return;
    }
    (async () => {
      const credentials = await deps.httpAuth.credentials(req, {
        allow: ['service'],
      });
      const [decision] = await deps.permissions.authorize(
        [{ permission: workspaceMetricsReadPermission }],
        { credentials },
      );
      if (String(decision.result) !== 'ALLOW') {
        throw new NotAllowedError('You may not read desktop metrics');
      }
      res
        .type('text/plain; version=0.0.4; charset=utf-8')
        .send(metrics.render());
    })().catch(next);
  };
}
