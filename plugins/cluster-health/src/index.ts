/**
 * Cluster health pages for platform owners (new frontend system).
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export {
  clusterHealthApiRef,
  ClusterHealthClient,
  type ClusterHealthApi,
} from './api';
export type { WarmPoolAnswer } from './components/cards/warmPool';
export { CLUSTER_HEALTH_ANNOTATION, hasClusterHealth } from './filters';
