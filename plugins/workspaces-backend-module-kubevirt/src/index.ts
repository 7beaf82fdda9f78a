/**
 * The KubeVirt desktop provider of the workspaces backend.
 *
 * @packageDocumentation
 */
export { workspacesModuleKubevirt as default } from './module';
export { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
export { KUBEVIRT_PROVIDER_RBAC_RULES } from './rbac';
export { buildVirtualMachine, buildFirstBootSecret } from './buildVirtualMachine';
