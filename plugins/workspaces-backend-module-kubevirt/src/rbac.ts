/** One rule of a Kubernetes Role. @public */
export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/**
 * Exactly what the KubeVirt provider asks of the API server, in the desktops'
 * namespace, and nothing more. deploy/ grants these rules; a test there keeps
 * the Role equal to them and a test here keeps them equal to the calls made.
 * @public
 */
export const KUBEVIRT_PROVIDER_RBAC_RULES: RbacRule[] = [
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
    resources: [
      'virtualmachines/start',
      'virtualmachines/stop',
      'virtualmachines/restart',
    ],
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
