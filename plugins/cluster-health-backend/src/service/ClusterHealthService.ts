import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  CLUSTER_HEALTH_RANGES,
  ClusterAlert,
  ClusterHealthRange,
  ClusterSummary,
  INSTANT_PANELS,
  InstantPanelName,
  PanelResult,
  RANGE_PANELS,
  RangePanelName,
} from '@desktop-mania/plugin-cluster-health-common';
import { INSTANT_PANEL_QUERIES, PanelDefinition, RANGE_PANEL_QUERIES } from './defaultPanels';
import { PrometheusClient } from './PrometheusClient';

const RANGE_SECONDS: Record<ClusterHealthRange, number> = { '1h': 3600, '6h': 6 * 3600, '24h': 86400, '7d': 7 * 86400 };
// About 240 points per chart, whatever the range.
const POINTS = 240;

interface Cluster extends ClusterSummary {
  prometheus: PrometheusClient;
}

interface Cached {
  at: number;
  result: PanelResult<any>;
}

/**
 * Answers named panels for the configured clusters. The PromQL stays here;
 * answers are cached briefly, and when Prometheus fails the last good answer
 * is served marked stale.
 */
export class ClusterHealthService {
  private readonly clusters: Cluster[];
  private readonly cache = new Map<string, Cached>();
  private readonly ttlMs: number;
  private readonly instant: Record<string, PanelDefinition>;
  private readonly range: Record<string, PanelDefinition>;

  static fromConfig(config: Config) {
    return new ClusterHealthService(config.getOptionalConfig('clusterHealth'));
  }

  constructor(config?: Config, private readonly now: () => Date = () => new Date()) {
    const timeoutMs = config?.getOptionalNumber('timeoutMs') ?? 5000;
    this.ttlMs = (config?.getOptionalNumber('cacheTtlSeconds') ?? 15) * 1000;
    this.clusters = (config?.getOptionalConfigArray('clusters') ?? []).map(c => ({
      name: c.getString('name'),
      title: c.getOptionalString('title') ?? c.getString('name'),
      entityRef: c.getOptionalString('entityRef'),
      prometheus: new PrometheusClient({
        url: c.getString('prometheus.url'),
        token: c.getOptionalString('prometheus.token'),
        timeoutMs,
      }),
    }));
    const overrides = config?.getOptionalConfig('panels');
    const withOverrides = (defaults: Record<string, PanelDefinition>) =>
      Object.fromEntries(
        Object.entries(defaults).map(([name, d]) => [name, { ...d, query: overrides?.getOptionalString(`${name}.query`) ?? d.query }]),
      );
    for (const name of overrides?.keys() ?? []) {
      if (!(name in INSTANT_PANEL_QUERIES) && !(name in RANGE_PANEL_QUERIES)) {
        throw new InputError(`clusterHealth.panels.${name} names no panel; panels are ${[...INSTANT_PANELS, ...RANGE_PANELS].join(', ')}`);
      }
    }
    this.instant = withOverrides(INSTANT_PANEL_QUERIES);
    this.range = withOverrides(RANGE_PANEL_QUERIES);
  }

  listClusters(): ClusterSummary[] {
    return this.clusters.map(({ name, title, entityRef }) => ({ name, title, entityRef }));
  }

  private cluster(name: string): Cluster {
    const c = this.clusters.find(x => x.name === name);
    if (!c) throw new NotFoundError(`No cluster named '${name}'`);
    return c;
  }

  private async cached<T>(key: string, panel: string, definition: { title: string; unit?: string }, load: () => Promise<T>): Promise<PanelResult<T>> {
    const hit = this.cache.get(key);
    const now = this.now().getTime();
    if (hit && now - hit.at < this.ttlMs && !hit.result.stale) return hit.result;
    try {
      const data = await load();
      const result: PanelResult<T> = { panel, title: definition.title, unit: definition.unit, data, fetchedAt: new Date(now).toISOString(), stale: false };
      this.cache.set(key, { at: now, result });
      return result;
    } catch (error) {
      if (!hit) throw error;
      // The last good answer, marked as such, beats an empty page.
      return { ...hit.result, stale: true, error: (error as Error).message };
    }
  }

  async instantPanel(clusterName: string, panel: string): Promise<PanelResult<any>> {
    const cluster = this.cluster(clusterName);
    const definition = this.instant[panel];
    if (!definition) throw new NotFoundError(`No instant panel named '${panel}'`);
    return this.cached(`${clusterName}/${panel}`, panel, definition, () => cluster.prometheus.instant(definition.query));
  }

  async overview(clusterName: string) {
    this.cluster(clusterName);
    const panels: Record<string, unknown> = {};
    await Promise.all(
      (INSTANT_PANELS as readonly InstantPanelName[]).map(async name => {
        try {
          panels[name] = await this.instantPanel(clusterName, name);
        } catch (error) {
          panels[name] = { panel: name, title: this.instant[name].title, error: (error as Error).message, stale: false };
        }
      }),
    );
    return { cluster: clusterName, panels };
  }

  async rangePanel(clusterName: string, panel: string, range: string): Promise<PanelResult<any>> {
    const cluster = this.cluster(clusterName);
    const definition = this.range[panel as RangePanelName];
    if (!definition) throw new NotFoundError(`No chart named '${panel}'`);
    if (!(CLUSTER_HEALTH_RANGES as readonly string[]).includes(range)) {
      throw new InputError(`range must be one of ${CLUSTER_HEALTH_RANGES.join(', ')}, got '${range}'`);
    }
    const seconds = RANGE_SECONDS[range as ClusterHealthRange];
    const end = this.now();
    const start = new Date(end.getTime() - seconds * 1000);
    const step = Math.max(15, Math.round(seconds / POINTS));
    return this.cached(`${clusterName}/${panel}/${range}`, panel, definition, () => cluster.prometheus.range(definition.query, start, end, step));
  }

  async alerts(clusterName: string): Promise<PanelResult<ClusterAlert[]>> {
    const cluster = this.cluster(clusterName);
    return this.cached(`${clusterName}/alerts`, 'alerts', { title: 'Firing alerts' }, async () =>
      (await cluster.prometheus.alerts()).filter(a => a.state === 'firing'),
    );
  }
}
