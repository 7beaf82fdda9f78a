/**
 * Unstable parts of the KubeVirt provider: the objects it writes to a
 * cluster and the RBAC rules it needs. Their shape follows KubeVirt's API and
 * changes with it.
 *
 * @packageDocumentation
 */
export { KUBEVIRT_PROVIDER_RBAC_RULES, type RbacRule } from './rbac';
export {
  buildVirtualMachine,
  type VirtualMachineTarget,
} from './buildVirtualMachine';
export { buildFirstBootSecret } from './buildFirstBootSecret';
