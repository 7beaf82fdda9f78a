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
