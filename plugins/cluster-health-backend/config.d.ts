export interface Config {
  clusterHealth?: {
    clusters?: Array<{
      name: string;
      title?: string;
      /** The cluster's Resource entity, e.g. resource:default/rke2-prod. */
      entityRef?: string;
      prometheus: {
        url: string;
        /** @visibility secret */
        token?: string;
      };
    }>;
    /** How long an answer is reused, in seconds. Default 15. */
    cacheTtlSeconds?: number;
    /** How long to wait for Prometheus, in milliseconds. Default 5000. */
    timeoutMs?: number;
    /** Replaces the PromQL of named panels. */
    panels?: { [name: string]: { query: string } };
  };
}
