/** The ranges the charts offer. @public */
export const CLUSTER_HEALTH_RANGES = ['1h', '6h', '24h', '7d'] as const;
/** @public */
export type ClusterHealthRange = (typeof CLUSTER_HEALTH_RANGES)[number];

/**
 * Panels answered with an instant vector: the current value of every series.
 * The overview answers all of them at once.
 * @public
 */
export const INSTANT_PANELS = [
  'nodesReady',
  'nodeRoles',
  'nodeInfo',
  'apiserverUp',
  'apiserverErrorRate',
  'apiserverRequestsByCode',
  'etcdHasLeader',
  'etcdDbSize',
  'etcdLeaderChanges',
  'nodeCpu',
  'nodeMemory',
  'nodeDisk',
  'clusterCpu',
  'clusterMemory',
  'clusterDisk',
  'podsByPhase',
  'vmisByPhase',
  'desktopsByPhase',
  'consoleSessions',
  'longhornVolumeRobustness',
  'longhornVolumeState',
  'longhornUnhealthyVolumes',
  'longhornVolumeCapacity',
  'longhornVolumeActualSize',
  'longhornNodeCapacity',
  'longhornNodeUsage',
] as const;

/** Panels answered with a range matrix, for the charts. @public */
export const RANGE_PANELS = [
  'cpuOverTime',
  'memoryOverTime',
  'diskOverTime',
  'apiserverErrorsOverTime',
  'apiserverRequestsOverTime',
  'etcdDbSizeOverTime',
  'runningDesktopsOverTime',
  'consoleSessionsOverTime',
  'longhornUsageOverTime',
] as const;

/** @public */
export type InstantPanelName = (typeof INSTANT_PANELS)[number];
/** @public */
export type RangePanelName = (typeof RANGE_PANELS)[number];
/** @public */
export type PanelName = InstantPanelName | RangePanelName;

/** Every panel the backend answers, by name. @public */
export const CLUSTER_HEALTH_PANELS: readonly PanelName[] = [
  ...INSTANT_PANELS,
  ...RANGE_PANELS,
];

/** @public */
export function isInstantPanel(name: string): name is InstantPanelName {
  return (INSTANT_PANELS as readonly string[]).includes(name);
}

/** @public */
export function isRangePanel(name: string): name is RangePanelName {
  return (RANGE_PANELS as readonly string[]).includes(name);
}

/** How a panel's values read: a fraction, bytes, a count, or a rate per second. @public */
export type PanelUnit = 'ratio' | 'bytes' | 'count' | 'perSecond';

/** One series of an instant vector: its labels and current value. @public */
export interface InstantSample {
  labels: Record<string, string>;
  value: number;
}

/** One series of a range matrix: its labels and [unix seconds, value] points. @public */
export interface RangeSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

/**
 * An answer with data. `fetchedAt` is when Prometheus gave it. When
 * Prometheus failed just now, `stale` is true, `data` is the last good
 * answer and `error` says what went wrong.
 * @public
 */
export interface PanelAnswer<T> {
  panel: string;
  title: string;
  unit?: PanelUnit;
  data: T;
  fetchedAt: string;
  stale: boolean;
  error?: string;
}

/** A panel of the overview that failed with no earlier answer to fall back on. @public */
export interface PanelFailure {
  panel: string;
  title: string;
  unit?: PanelUnit;
  data?: undefined;
  stale: false;
  error: string;
}

/** @public */
export type InstantPanelAnswer = PanelAnswer<InstantSample[]>;
/** @public */
export type RangePanelAnswer = PanelAnswer<RangeSeries[]> & {
  range: ClusterHealthRange;
  step: number;
};

/** @public */
export function isPanelFailure(
  answer: PanelAnswer<unknown> | PanelFailure | undefined,
): answer is PanelFailure {
  return !!answer && answer.data === undefined;
}

/** Every instant panel of one cluster, each fresh, stale or failed. @public */
export interface ClusterOverview {
  cluster: string;
  panels: Record<InstantPanelName, InstantPanelAnswer | PanelFailure>;
}

/** A firing alert from Prometheus's rules. @public */
export interface ClusterAlert {
  name: string;
  severity: string;
  summary?: string;
  labels: Record<string, string>;
  activeAt?: string;
  value?: string;
}

/** @public */
export type AlertsAnswer = PanelAnswer<ClusterAlert[]>;

/** A configured cluster; its Prometheus and credentials stay on the server. @public */
export interface ClusterSummary {
  name: string;
  title: string;
  entityRef?: string;
}
