import type { Replica } from './replicas';

type Report = Replica['reports'][number];

/** Reports of one kind from every replica, each with the replica's name. */
function reportsOf(
  replicas: Replica[],
  what: string,
  which: (r: Report) => boolean,
) {
  return replicas.flatMap(r =>
    r.reports
      .filter(x => x.what === what && which(x))
      .map(x => ({ replica: r.name, at: x.detail.at as number })),
  );
}

/**
 * How a desktop's workspace events went: when each was published, when it
 * reached the catalog's subscriber and when that had written it, on which
 * replica.
 */
export function workspaceEvents(replicas: Replica[], desk: string) {
  const about = (x: Report) => x.detail.payload?.workspace?.name === desk;
  const toCatalog = (x: Report) =>
    about(x) && x.detail.subscriber === 'catalog-workspaces-provider';
  return {
    published: reportsOf(replicas, 'publish', about),
    delivered: reportsOf(replicas, 'event', toCatalog),
    handled: reportsOf(replicas, 'handled', toCatalog),
  };
}

/** Runs of one scheduled task on every replica, oldest first. */
export function taskRuns(replicas: Replica[], id: string) {
  return reportsOf(replicas, 'task', x => x.detail.id === id).sort(
    (x, y) => x.at - y.at,
  );
}
