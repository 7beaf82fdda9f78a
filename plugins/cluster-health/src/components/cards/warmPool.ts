/**
 * What the backend's `GET /clusters/:cluster/warm-pool` answers
 * (cluster-health-backend src/service/WarmPoolPanels.ts).
 * @public
 */
export interface WarmPoolAnswer {
  pools: Array<{
    image: string;
    size: string;
    /** Members with the disk cloned, ready for an order. */
    ready: number;
    /** Members still cloning or starting. */
    preparing: number;
    /** How many the pool is configured to keep. */
    target: number;
    claimsLastHour: number;
    /** Orders that found the pool empty and cloned a disk instead. */
    missesLastHour: number;
  }>;
  fetchedAt: string;
  stale: boolean;
  error?: string;
}
