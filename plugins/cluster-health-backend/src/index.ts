/**
 * The cluster health backend: named Prometheus panels for platform owners.
 *
 * @packageDocumentation
 */
export { clusterHealthPlugin as default } from './plugin';
