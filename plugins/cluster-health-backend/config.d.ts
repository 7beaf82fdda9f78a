import type { HumanDuration } from '@backstage/types';

export interface Config {
  clusterHealth?: {
    /** The clusters platform owners can look at, each with its own Prometheus. */
    clusters?: Array<{
      /** Lower case letters, digits and dashes; the name the pages and entity annotations use. */
      name: string;
      /** Shown in the cluster picker. Defaults to the name. */
      title?: string;
      /** The cluster's Resource entity, e.g. resource:default/rke2-prod. */
      entityRef?: string;
      prometheus: {
        /** Base URL of the Prometheus HTTP API, e.g. http://prometheus-operated.monitoring.svc:9090 */
        url: string;
        /**
         * Sent as `Authorization: Bearer <token>`.
         * @visibility secret
         */
        token?: string;
        /**
         * Extra request headers, e.g. `X-Scope-OrgID` for a multi-tenant Mimir or Thanos.
         * @visibility secret
         */
        headers?: { [name: string]: string };
      };
    }>;
    /** How long an answer is reused before Prometheus is asked again. Default 15 seconds. */
    cacheTtl?: HumanDuration | string;
    /** How long to wait for Prometheus before falling back to the last good answer. Default 5 seconds. */
    timeout?: HumanDuration | string;
    /** Replaces the PromQL of panels, by panel name (see defaultPanels.ts). */
    panels?: {
      [name: string]: {
        query: string;
      };
    };
  };
}
