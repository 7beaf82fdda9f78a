/**
 * The KubeVirt desktop provider of the workspaces backend.
 *
 * @packageDocumentation
 */
export { workspacesModuleKubevirt as default } from './module';
export { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
export { readKubeVirtClusters, type KubeVirtCluster } from './clusters';
export { KUBEVIRT_PROVIDER_RBAC_RULES, type RbacRule } from './rbac';
export { buildVirtualMachine, type VirtualMachineTarget } from './buildVirtualMachine';
export { buildFirstBootSecret } from './buildFirstBootSecret';
