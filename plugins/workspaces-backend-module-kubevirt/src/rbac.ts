/**
 * Exactly what the KubeVirt provider asks of the API server, in the desktops'
 * namespace. deploy/ grants this and nothing more; a test keeps them equal.
 * @public
 */
export const KUBEVIRT_PROVIDER_RBAC_RULES = [
  {
    apiGroups: ['kubevirt.io'],
    resources: ['virtualmachines'],
    verbs: ['get', 'list', 'create', 'delete'],
  },
  {
    apiGroups: ['kubevirt.io'],
    resources: ['virtualmachineinstances'],
    verbs: ['get', 'list'],
  },
  {
    apiGroups: ['subresources.kubevirt.io'],
    resources: ['virtualmachines/start', 'virtualmachines/stop', 'virtualmachines/restart'],
    verbs: ['update'],
  },
  {
    apiGroups: ['subresources.kubevirt.io'],
    resources: ['virtualmachineinstances/vnc'],
    verbs: ['get'],
  },
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['create', 'patch', 'delete'],
  },
];
