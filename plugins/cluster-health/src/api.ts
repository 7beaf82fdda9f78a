import { createApiRef } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ClusterAlert,
  ClusterHealthRange,
  ClusterOverview,
  ClusterSummary,
  PanelResult,
  RangeSeries,
} from '@desktop-mania/plugin-cluster-health-common';

/** @public */
export interface ClusterHealthApi {
  listClusters(): Promise<ClusterSummary[]>;
  getOverview(cluster: string): Promise<ClusterOverview>;
  getChart(cluster: string, panel: string, range: ClusterHealthRange): Promise<PanelResult<RangeSeries[]>>;
  getAlerts(cluster: string): Promise<PanelResult<ClusterAlert[]>>;
}

/** @public */
export const clusterHealthApiRef = createApiRef<ClusterHealthApi>().with({
  id: 'plugin.cluster-health.api',
  pluginId: 'cluster-health',
});

/** Reads the cluster-health backend with the signed-in person's credentials. */
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
    return response.json();
  }

  listClusters() {
    return this.get<ClusterSummary[]>('/clusters');
  }

  getOverview(cluster: string) {
    return this.get<ClusterOverview>(`/clusters/${encodeURIComponent(cluster)}/overview`);
  }

  getChart(cluster: string, panel: string, range: ClusterHealthRange) {
    return this.get<PanelResult<RangeSeries[]>>(`/clusters/${encodeURIComponent(cluster)}/panels/${panel}?range=${range}`);
  }

  getAlerts(cluster: string) {
    return this.get<PanelResult<ClusterAlert[]>>(`/clusters/${encodeURIComponent(cluster)}/alerts`);
  }
}
