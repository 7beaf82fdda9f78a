import {
  AuthorizationV1Api,
  KubeConfig,
  type RbacV1Subject,
} from '@kubernetes/client-node';
import type { RbacRule } from '../rbac';
import { AdminCluster, CDI, orMissing, RUN_LABEL } from './adminCluster';

/** A Role of exactly `rules` in `namespace` and its binding to `subject`; returns their removal. */
async function grant(
  admin: AdminCluster,
  namespace: string,
  name: string,
  run: string,
  rules: RbacRule[],
  subject: RbacV1Subject,
) {
  const metadata = { name, labels: { [RUN_LABEL]: run } };
  await admin.rbac.createNamespacedRole({
    namespace,
    body: { metadata, rules },
  });
  await admin.rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [subject],
    },
  });
  return async () => {
    await orMissing(
      admin.rbac.deleteNamespacedRoleBinding({ name, namespace }),
    );
    await orMissing(admin.rbac.deleteNamespacedRole({ name, namespace }));
  };
}

/**
 * A new ServiceAccount with a Role of exactly `rules`, and a kubeconfig for
 * the same API server, TLS settings and all, with only its short-lived token.
 */
export async function serviceAccountWith(
  admin: AdminCluster,
  namespace: string,
  name: string,
  rules: RbacRule[],
  lifetimeSeconds: number,
) {
  await admin.core.createNamespacedServiceAccount({
    namespace,
    body: { metadata: { name, labels: { [RUN_LABEL]: namespace } } },
  });
  await grant(admin, namespace, name, namespace, rules, {
    kind: 'ServiceAccount',
    name,
    namespace,
  });
  const request = await admin.core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: lifetimeSeconds } },
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromClusterAndUser(
    { ...admin.kubeConfig.getCurrentCluster()!, name: 'conformance' },
    { name, token: request.status!.token },
  );
  return kubeConfig;
}

/**
 * The VMs' own service account (`default` of the desktops' namespace) may
 * clone from `sourceNamespace`: KubeVirt asks that of a VM's
 * dataVolumeTemplates. The cluster guide grants the same in
 * `desktop-images` (deploy/base/kubevirt/image-cloning.yaml).
 */
export function allowCloning(
  admin: AdminCluster,
  sourceNamespace: string,
  desktops: string,
  name: string,
) {
  return grant(
    admin,
    sourceNamespace,
    name,
    desktops,
    [
      {
        apiGroups: [CDI.group],
        resources: ['datavolumes/source'],
        verbs: ['create'],
      },
    ],
    { kind: 'ServiceAccount', name: 'default', namespace: desktops },
  );
}

/** Whether `kubeConfig`'s user may do one thing, by the API server's own reckoning. */
export async function mayI(
  kubeConfig: KubeConfig,
  namespace: string,
  group: string,
  resourceAndSub: string,
  verb: string,
) {
  const [resource, subresource] = resourceAndSub.split('/');
  const review = await kubeConfig
    .makeApiClient(AuthorizationV1Api)
    .createSelfSubjectAccessReview({
      body: {
        spec: {
          resourceAttributes: {
            namespace,
            group,
            resource,
            ...(subresource ? { subresource } : {}),
            verb,
          },
        },
      },
    });
  return review.status?.allowed === true;
}

/** Each `verb group/resource` of `rules` that `kubeConfig`'s user may not do in `namespace`. */
export async function notGranted(
  kubeConfig: KubeConfig,
  namespace: string,
  rules: RbacRule[],
) {
  const missing: string[] = [];
  for (const rule of rules) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        for (const verb of rule.verbs) {
          if (!(await mayI(kubeConfig, namespace, group, resource, verb))) {
            missing.push(`${verb} ${group}/${resource}`);
          }
        }
      }
    }
  }
  return missing;
}
