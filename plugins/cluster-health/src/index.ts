/**
 * Cluster health pages (new frontend system).
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { clusterHealthApiRef, type ClusterHealthApi } from './api';
