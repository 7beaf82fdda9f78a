/**
 * The KubeVirt desktop provider of the workspaces backend.
 *
 * @packageDocumentation
 */
export { workspacesModuleKubevirt as default } from './module';
export { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
export { readKubeVirtClusters, type KubeVirtCluster } from './clusters';
export type { PrometheusTarget } from './vmiUsage';
export type { WarmPool } from './warmPool';
export { WarmPoolMetrics } from './warmPoolMetrics';
