import { randomUUID } from 'crypto';
import {
  type Attributes,
  inNamespace,
  objectKey,
  type Store,
} from './simulatedStore';

export const ADMIN_TOKEN = 'admin-token';

/**
 * The service-account tokens the simulated cluster has issued, and what
 * each may do by the Roles bound to its account, as RBAC decides it.
 */
export class SimulatedRbac {
  private readonly tokens = new Map<
    string,
    { namespace: string; name: string }
  >();

  constructor(private readonly store: Store) {}

  issue(namespace: string, name: string) {
    const token = `token-${randomUUID()}`;
    this.tokens.set(token, { namespace, name });
    return token;
  }

  /** Tokens die with their account's namespace. */
  forgetNamespace(namespace: string) {
    for (const [token, account] of this.tokens)
      if (account.namespace === namespace) this.tokens.delete(token);
  }

  /** Whom a token speaks for: `admin`, `namespace/account`, or `anonymous`. */
  who(token: string) {
    if (token === ADMIN_TOKEN) return 'admin';
    const account = this.tokens.get(token);
    return account ? `${account.namespace}/${account.name}` : 'anonymous';
  }

  allowed(token: string, a: Attributes): boolean {
    if (token === ADMIN_TOKEN) return true;
    const account = this.tokens.get(token);
    if (!account) return false;
    if (a.group === 'subresources.kubevirt.io' && a.resource === 'version')
      return true;
    if (a.group === 'authorization.k8s.io') return true;
    if (!a.namespace) return false;
    const resource = a.subresource
      ? `${a.resource}/${a.subresource}`
      : a.resource;
    return inNamespace(
      this.store,
      a.namespace,
      'rbac.authorization.k8s.io',
      'rolebindings',
    )
      .filter(b =>
        b.subjects.some(
          (s: any) =>
            s.kind === 'ServiceAccount' &&
            s.name === account.name &&
            s.namespace === account.namespace,
        ),
      )
      .map(b =>
        this.store.get(
          objectKey(
            'rbac.authorization.k8s.io',
            a.namespace,
            'roles',
            b.roleRef.name,
          ),
        ),
      )
      .filter(Boolean)
      .some(role =>
        role.rules.some(
          (r: any) =>
            r.apiGroups.includes(a.group) &&
            r.resources.includes(resource) &&
            r.verbs.includes(a.verb),
        ),
      );
  }
}
