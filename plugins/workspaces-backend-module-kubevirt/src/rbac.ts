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
 *
 * One call needs no rule here: `GET /apis/subresources.kubevirt.io/v1/version`,
 * cluster-wide, which KubeVirt grants every authenticated user through its
 * `kubevirt.io:default` ClusterRole (kubevirt/kubevirt
 * pkg/virt-operator/resource/generate/rbac/cluster.go).
 * @public
 */
export const KUBEVIRT_PROVIDER_RBAC_RULES: RbacRule[] = [
  {
    apiGroups: ['kubevirt.io'],
    resources: ['virtualmachines'],
    // patch: the expiry annotation, moved when a desktop is extended.
    verbs: ['get', 'list', 'create', 'patch', 'delete'],
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
    // The VM console (vnc), and the guest's own VNC server on the desktop
    // session through portforward (openGuestDisplay.ts).
    apiGroups: ['subresources.kubevirt.io'],
    resources: [
      'virtualmachineinstances/vnc',
      'virtualmachineinstances/portforward',
    ],
    verbs: ['get'],
  },
  {
    // The root disk, read while it is being made to say how far or why not.
    apiGroups: ['cdi.kubevirt.io'],
    resources: ['datavolumes'],
    verbs: ['get'],
  },
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['create', 'patch', 'delete'],
  },
  {
    // Owners' named snapshots of their desktops (snapshots.ts).
    apiGroups: ['snapshot.kubevirt.io'],
    resources: ['virtualmachinesnapshots'],
    verbs: ['list', 'create', 'delete'],
  },
  {
    apiGroups: ['snapshot.kubevirt.io'],
    resources: ['virtualmachinerestores'],
    verbs: ['list', 'create'],
  },
];
