import { createApiRef } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AlertsAnswer,
  ClusterHealthRange,
  ClusterOverview,
  ClusterSummary,
  InstantPanelAnswer,
  InstantPanelName,
  RangePanelAnswer,
  RangePanelName,
} from '@desktop-mania/plugin-cluster-health-common';
import type { WarmPoolAnswer } from './components/cards/warmPool';

/** Reads the cluster-health backend. @public */
export interface ClusterHealthApi {
  listClusters(): Promise<ClusterSummary[]>;
  getOverview(cluster: string): Promise<ClusterOverview>;
  getPanel(
    cluster: string,
    panel: InstantPanelName,
  ): Promise<InstantPanelAnswer>;
  getChart(
    cluster: string,
    panel: RangePanelName,
    range: ClusterHealthRange,
  ): Promise<RangePanelAnswer>;
  getAlerts(cluster: string): Promise<AlertsAnswer>;
  /** The KubeVirt warm pools' figures; see `WarmPoolCard`. */
  getWarmPool?(cluster: string): Promise<WarmPoolAnswer>;
}

/** @public */
export const clusterHealthApiRef = createApiRef<ClusterHealthApi>().with({
  id: 'plugin.cluster-health.api',
  pluginId: 'cluster-health',
});

/**
 * Calls the backend with the signed-in person's credentials; errors become ResponseErrors with the status.
 *
 * @public
 */
export class ClusterHealthClient implements ClusterHealthApi {
  constructor(
    private readonly options: {
      discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
      fetchApi: { fetch: typeof fetch };
    },
  ) {}

  private async get<T>(path: string): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('cluster-health');
    const response = await this.options.fetchApi.fetch(`${base}${path}`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  private cluster(name: string) {
    return `/clusters/${encodeURIComponent(name)}`;
  }

  listClusters() {
    return this.get<ClusterSummary[]>('/clusters');
  }

  getOverview(cluster: string) {
    return this.get<ClusterOverview>(`${this.cluster(cluster)}/overview`);
  }

  getPanel(cluster: string, panel: InstantPanelName) {
    return this.get<InstantPanelAnswer>(
      `${this.cluster(cluster)}/panels/${encodeURIComponent(panel)}`,
    );
  }

  getChart(cluster: string, panel: RangePanelName, range: ClusterHealthRange) {
    const query = new URLSearchParams({ range });
    return this.get<RangePanelAnswer>(
      `${this.cluster(cluster)}/panels/${encodeURIComponent(panel)}?${query}`,
    );
  }

  getAlerts(cluster: string) {
    return this.get<AlertsAnswer>(`${this.cluster(cluster)}/alerts`);
  }

  getWarmPool(cluster: string) {
    return this.get<WarmPoolAnswer>(`${this.cluster(cluster)}/warm-pool`);
  }
}
