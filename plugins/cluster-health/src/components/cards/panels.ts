import type {
  ClusterOverview,
  InstantPanelName,
  InstantSample,
} from '@desktop-mania/plugin-cluster-health-common';

export type Panels = ClusterOverview['panels'];

/** A panel's samples: fresh or stale data, or none when it failed. */
export function samples(
  panels: Panels,
  name: InstantPanelName,
): InstantSample[] {
  return panels[name]?.data ?? [];
}

export function single(
  panels: Panels,
  name: InstantPanelName,
): number | undefined {
  return samples(panels, name)[0]?.value;
}

export function sum(values: InstantSample[]) {
  return values.reduce((total, s) => total + s.value, 0);
}

export function answers(panels: Panels, names: InstantPanelName[]) {
  return names.map(name => panels[name]);
}

/**
 * Whether Prometheus answered this panel with no series at all: the metrics
 * behind it are not collected here, e.g. kube-state-metrics or Longhorn on a
 * single machine. A panel that failed is not absent, only unanswered.
 */
export function absent(panels: Panels, name: InstantPanelName): boolean {
  const answer = panels[name];
  return !!answer && answer.data !== undefined && answer.data.length === 0;
}

/** What a card says for metrics this cluster does not have. */
export const NOT_AVAILABLE = 'Not available on this cluster';
