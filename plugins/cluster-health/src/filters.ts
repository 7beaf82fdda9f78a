import type { Entity } from '@backstage/catalog-model';

/**
 * The annotation that names a Resource entity's cluster in clusterHealth.clusters.
 *
 * @public
 */
export const CLUSTER_HEALTH_ANNOTATION = 'desktopmania.io/cluster-health';

/**
 * Resource entities annotated with a cluster get the cluster health card.
 *
 * @public
 */
export function hasClusterHealth(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    !!entity.metadata.annotations?.[CLUSTER_HEALTH_ANNOTATION]
  );
}
