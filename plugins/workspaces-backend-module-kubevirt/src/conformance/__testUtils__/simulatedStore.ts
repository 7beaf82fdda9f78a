import { randomUUID } from 'crypto';

/** The simulated cluster's objects, each under its own URL path, so a request finds it directly. */
export type Store = Map<string, any>;

export const GROUP_VERSIONS: Record<string, string> = {
  'kubevirt.io': 'v1',
  'cdi.kubevirt.io': 'v1beta1',
  'instancetype.kubevirt.io': 'v1beta1',
};

/** What one request asks of RBAC. */
export interface Attributes {
  group: string;
  namespace?: string;
  resource: string;
  subresource?: string;
  name?: string;
  verb: string;
}

export function attributesOf(method: string, pathname: string): Attributes {
  const parts = pathname.split('/').filter(Boolean);
  // /api/v1/… or /apis/{group}/{version}/…
  const group = parts[0] === 'api' ? '' : parts[1];
  let rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  const verbs: Record<string, string> = {
    GET: name ? 'get' : 'list',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  const verb = verbs[method] ?? method;
  return { group, namespace, resource, name, subresource, verb };
}

/** The path of an object; with an empty name, the prefix of its collection. */
export function objectKey(
  group: string,
  namespace: string | undefined,
  resource: string,
  name: string,
) {
  const base =
    group === ''
      ? '/api/v1'
      : `/apis/${group}/${GROUP_VERSIONS[group] ?? 'v1'}`;
  const scope = namespace ? `/namespaces/${namespace}` : '';
  return `${base}${scope}/${resource}/${name}`;
}

export function put(store: Store, key: string, object: any) {
  object.metadata.uid ??= randomUUID();
  store.set(key, object);
  return object;
}

const matches = (
  selector: string | null,
  labels: Record<string, string> = {},
) =>
  !selector ||
  selector.split(',').every(term => {
    const [key, value] = term.split('=');
    return labels[key] === value;
  });

/** The objects right under `prefix` (a collection's path) whose labels match `selector`. */
export const listed = (store: Store, prefix: string, selector: string | null) =>
  [...store.entries()]
    .filter(
      ([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'),
    )
    .map(([, v]) => v)
    .filter(o => matches(selector, o.metadata.labels));

export const inNamespace = (
  store: Store,
  namespace: string,
  group: string,
  resource: string,
) => listed(store, objectKey(group, namespace, resource, ''), null);
