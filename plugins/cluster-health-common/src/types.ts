/** The ranges the charts offer. @public */
export const CLUSTER_HEALTH_RANGES = ['1h', '6h', '24h', '7d'] as const;
/** @public */
export type ClusterHealthRange = (typeof CLUSTER_HEALTH_RANGES)[number];

/** One series of an instant panel: its labels and current value. @public */
export interface InstantSample {
  labels: Record<string, string>;
  value: number;
}

/** One series of a range panel: its labels and [unix seconds, value] points. @public */
export interface RangeSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

/**
 * An answer for one named panel. `stale` marks the last good answer served
 * because Prometheus failed just now; `error` says how.
 * @public
 */
export interface PanelResult<T> {
  panel: string;
  title: string;
  unit?: string;
  data: T;
  fetchedAt: string;
  stale: boolean;
  error?: string;
}

/** @public */
export type InstantPanelResult = PanelResult<InstantSample[]>;
/** @public */
export type RangePanelResult = PanelResult<RangeSeries[]>;

/** A firing or pending alert. @public */
export interface ClusterAlert {
  name: string;
  severity: string;
  state: string;
  summary?: string;
  labels: Record<string, string>;
  activeAt?: string;
}

/** @public */
export interface ClusterOverview {
  cluster: string;
  panels: Record<string, InstantPanelResult | { panel: string; title: string; error: string; stale: false }>;
}

/** @public */
export interface ClusterSummary {
  name: string;
  title: string;
  entityRef?: string;
}

/** Instant panels (the overview) and range panels (the charts). @public */
export const INSTANT_PANELS = [
  'nodesReady',
  'nodeRoles',
  'apiserverUp',
  'apiserverErrorRate',
  'etcdHasLeader',
  'etcdDbSize',
  'nodeCpu',
  'nodeMemory',
  'nodeDisk',
  'podsByPhase',
  'vmisByPhase',
  'desktopsByPhase',
  'consoleSessions',
  'longhornVolumeRobustness',
  'longhornCapacity',
  'longhornUsage',
] as const;

/** @public */
export const RANGE_PANELS = [
  'cpuOverTime',
  'memoryOverTime',
  'apiserverErrorsOverTime',
  'runningDesktopsOverTime',
  'consoleSessionsOverTime',
] as const;

/** @public */
export type InstantPanelName = (typeof INSTANT_PANELS)[number];
/** @public */
export type RangePanelName = (typeof RANGE_PANELS)[number];
