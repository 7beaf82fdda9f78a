import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  WorkspaceFlavors,
  WorkspaceImage,
  WorkspaceOs,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';

/** What the backend offers, from `GET /flavors`. */
export function useFlavors() {
  const api = useApi(workspacesApiRef);
  const [flavors, setFlavors] = useState<WorkspaceFlavors>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    api.getFlavors().then(setFlavors, setError);
  }, [api]);
  return { flavors, error };
}

type Cluster = WorkspaceFlavors['clusters'][number];

/** The cluster an order goes to: the one chosen in the form, else the backend's default. */
export function chosenCluster(
  flavors: WorkspaceFlavors,
  formData: Record<string, unknown> | undefined,
): Cluster | undefined {
  const name =
    typeof formData?.cluster === 'string' && formData.cluster
      ? formData.cluster
      : flavors.defaultCluster;
  return flavors.clusters.find(c => c.name === name);
}

/** The clusters that run desktops of an operating system, the default first. */
export function clustersFor(
  flavors: WorkspaceFlavors,
  os: WorkspaceOs | undefined,
): Cluster[] {
  const fit = flavors.clusters.filter(c => !os || c.os.includes(os));
  return [
    ...fit.filter(c => c.name === flavors.defaultCluster),
    ...fit.filter(c => c.name !== flavors.defaultCluster),
  ];
}

/** The images of an operating system that the chosen cluster runs. */
export function imagesFor(
  flavors: WorkspaceFlavors,
  os: WorkspaceOs | undefined,
  formData: Record<string, unknown> | undefined,
): WorkspaceImage[] {
  const cluster = chosenCluster(flavors, formData);
  return flavors.images.filter(
    i => (!os || i.os === os) && !!cluster?.os.includes(i.os),
  );
}

/** People's names of the operating systems. */
export const OS_TITLES: Record<WorkspaceOs, string> = {
  linux: 'Linux',
  windows: 'Windows',
};

/**
 * Why no image of an operating system can be ordered, or undefined when one
 * can: no cluster here runs it at all, or not the chosen one.
 */
export function unavailable(
  flavors: WorkspaceFlavors,
  os: WorkspaceOs | undefined,
  formData: Record<string, unknown> | undefined,
): string | undefined {
  if (imagesFor(flavors, os, formData).length) return undefined;
  const what = os ? `${OS_TITLES[os]} desktops` : 'desktops';
  if (!clustersFor(flavors, os).length) {
    return `No cluster here runs ${what}, so this portal cannot order one.`;
  }
  const cluster = chosenCluster(flavors, formData);
  if (cluster && !cluster.os.includes(os!)) {
    return `Cluster ${cluster.name} does not run ${what}; choose another cluster.`;
  }
  return `No image for ${what} is offered here.`;
}

/** Hours in words: whole days as days, the rest as hours. */
export function describeHours(hours: number): string {
  const [n, unit] = hours % 24 === 0 ? [hours / 24, 'day'] : [hours, 'hour'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

const BINARY_UNITS = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'];

/**
 * A Kubernetes memory quantity as people write it: "512Mi" as "512 MiB",
 * "2048Mi" as "2 GiB", "4G" as "4 GB". Anything else stays as it is, since
 * a quantity shown as given beats one guessed at.
 */
export function describeMemory(quantity: string): string {
  const match = /^(\d+(?:\.\d+)?)([KMGTP]i?)?$/.exec(quantity.trim());
  if (!match) return quantity;
  let amount = Number(match[1]);
  const suffix = match[2];
  if (!suffix) return `${amount} bytes`;
  if (!suffix.endsWith('i')) return `${amount} ${suffix}B`;
  let unit = BINARY_UNITS.indexOf(suffix);
  // Whole larger units read better: 2048Mi is 2 GiB.
  while (
    unit < BINARY_UNITS.length - 1 &&
    amount >= 1024 &&
    amount % 1024 === 0
  ) {
    amount /= 1024;
    unit += 1;
  }
  return `${amount} ${BINARY_UNITS[unit]}B`;
}
