import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AlertsAnswer,
  CLUSTER_HEALTH_RANGES,
  ClusterHealthRange,
  ClusterOverview,
  ClusterSummary,
  INSTANT_PANELS,
  InstantPanelAnswer,
  isInstantPanel,
  isRangePanel,
  PanelFailure,
  RangePanelAnswer,
} from '@desktop-mania/plugin-cluster-health-common';
import { AnswerCache } from './AnswerCache';
import { PrometheusClient } from './PrometheusClient';
import { ClusterConfig, ClusterHealthConfig } from './readClusterHealthConfig';

const RANGE_SECONDS: Record<ClusterHealthRange, number> = {
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 24 * 3600,
  '7d': 7 * 24 * 3600,
};
// About 240 points per chart whatever the range, never finer than a scrape.
const POINTS = 240;
const MIN_STEP_SECONDS = 15;

const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const severityRank = (severity: string) => {
  const i = SEVERITIES.indexOf(severity);
  return i === -1 ? SEVERITIES.length : i;
};

interface Cluster extends ClusterConfig {
  client: PrometheusClient;
}

/**
 * Answers named panels for the configured clusters. The PromQL never leaves
 * the server; answers are cached briefly and, when Prometheus fails, the last
 * good answer is served marked stale.
 */
export class ClusterHealthService {
  private readonly clusters: Map<string, Cluster>;
  private readonly cache: AnswerCache;
  private readonly now: () => number;

  constructor(
    private readonly config: ClusterHealthConfig,
    options: { logger: LoggerService; now?: () => number },
  ) {
    this.now = options.now ?? Date.now;
    this.clusters = new Map(
      config.clusters.map((c, i) => [
        c.name,
        {
          ...c,
          client: new PrometheusClient({
            ...c.prometheus,
            timeoutMs: config.timeoutMs,
            configKey: `clusterHealth.clusters[${i}].prometheus.url`,
          }),
        },
      ]),
    );
    this.cache = new AnswerCache({
      ttlMs: config.cacheTtlMs,
      now: options.now,
      onFailure: (key, error) =>
        options.logger.warn(`Cluster health ${key}: ${error.message}`),
    });
  }

  listClusters(): ClusterSummary[] {
    return this.config.clusters.map(({ name, title, entityRef }) => ({
      name,
      title,
      entityRef,
    }));
  }

  private cluster(name: string): Cluster {
    const cluster = this.clusters.get(name);
    if (!cluster)
      throw new NotFoundError(`No cluster named '${name}' is configured`);
    return cluster;
  }

  async instantPanel(
    clusterName: string,
    panel: string,
  ): Promise<InstantPanelAnswer> {
    const cluster = this.cluster(clusterName);
    if (!isInstantPanel(panel)) {
      if (isRangePanel(panel))
        throw new InputError(`'${panel}' is a chart; ask for it with a range`);
      throw new NotFoundError(`No panel named '${panel}'`);
    }
    const { title, unit, query } = this.config.panels[panel];
    const answer = await this.cache.get(`${clusterName}/${panel}`, () =>
      cluster.client.instant(query),
    );
    return { panel, title, unit, ...answer };
  }

  async rangePanel(
    clusterName: string,
    panel: string,
    range: string,
  ): Promise<RangePanelAnswer> {
    const cluster = this.cluster(clusterName);
    if (!isRangePanel(panel)) {
      if (isInstantPanel(panel))
        throw new InputError(
          `'${panel}' has a current value only; it takes no range`,
        );
      throw new NotFoundError(`No panel named '${panel}'`);
    }
    if (!(CLUSTER_HEALTH_RANGES as readonly string[]).includes(range)) {
      throw new InputError(
        `range must be one of ${CLUSTER_HEALTH_RANGES.join(', ')}`,
      );
    }
    const seconds = RANGE_SECONDS[range as ClusterHealthRange];
    const step = Math.max(MIN_STEP_SECONDS, Math.ceil(seconds / POINTS));
    const { title, unit, query } = this.config.panels[panel];
    const answer = await this.cache.get(
      `${clusterName}/${panel}/${range}`,
      () => {
        // Whole steps, so that answers a moment apart line up.
        const end = Math.floor(this.now() / 1000 / step) * step;
        return cluster.client.range(
          query,
          new Date((end - seconds) * 1000),
          new Date(end * 1000),
          step,
        );
      },
    );
    return {
      panel,
      title,
      unit,
      range: range as ClusterHealthRange,
      step,
      ...answer,
    };
  }

  /**
   * Every instant panel at once. A panel that fails on its own is reported in
   * place; only when every panel fails with nothing to fall back on does the
   * whole answer fail.
   */
  async overview(clusterName: string): Promise<ClusterOverview> {
    this.cluster(clusterName);
    const entries = await Promise.all(
      INSTANT_PANELS.map(async panel => {
        try {
          return [panel, await this.instantPanel(clusterName, panel)] as const;
        } catch (error) {
          const { title, unit } = this.config.panels[panel];
          const failure: PanelFailure = {
            panel,
            title,
            unit,
            stale: false,
            error: (error as Error).message,
          };
          return [panel, failure] as const;
        }
      }),
    );
    const failures = entries.filter(([, answer]) => answer.data === undefined);
    if (failures.length === entries.length) {
      throw new ServiceUnavailableError((failures[0][1] as PanelFailure).error);
    }
    return {
      cluster: clusterName,
      panels: Object.fromEntries(entries) as ClusterOverview['panels'],
    };
  }

  async alerts(clusterName: string): Promise<AlertsAnswer> {
    const cluster = this.cluster(clusterName);
    const answer = await this.cache.get(`${clusterName}/alerts`, async () =>
      (
        await cluster.client.firingAlerts()
      ).sort(
        (a, b) =>
          severityRank(a.severity) - severityRank(b.severity) ||
          a.name.localeCompare(b.name),
      ),
    );
    return {
      panel: 'alerts',
      title: 'Firing alerts',
      unit: 'count',
      ...answer,
    };
  }
}
