import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { KubeVirtCluster } from './clusters';
import { isApiMissing, KubeApiError } from './KubeApiError';

/** One call the provider made, for messages: e.g. create virtualmachines. */
export interface Attempt {
  cluster: Pick<KubeVirtCluster, 'name' | 'namespace' | 'url'>;
  verb: string;
  resource: string;
  name?: string;
}

/** What a missing API path means, by the resource that was asked for. */
function missingApi(
  { cluster, resource }: Attempt,
  error: KubeApiError,
): string {
  const said = `the API server answered '${error.message}'`;
  if (resource === 'datavolumes') {
    return `CDI (the Containerized Data Importer) is not installed on cluster '${cluster.name}': ${said} for cdi.kubevirt.io/v1beta1. Desktops' disks cannot be made without it.`;
  }
  if (resource === 'secrets') {
    return `Cluster '${cluster.name}' does not answer like a Kubernetes API server at ${cluster.url} (${said} for /api/v1); check its url`;
  }
  const group = resource.includes('/')
    ? 'subresources.kubevirt.io/v1'
    : 'kubevirt.io/v1';
  return `KubeVirt is not installed on cluster '${cluster.name}': ${said} for ${group}. Install KubeVirt there, or check the cluster's url if it goes through a proxy such as Rancher.`;
}

/**
 * Turns an API server refusal into the `@backstage/errors` type the
 * workspaces backend answers with; other errors pass through.
 */
export function toBackstageError(error: unknown, attempt: Attempt): Error {
  if (!(error instanceof KubeApiError)) return error as Error;
  const { cluster, verb, resource, name } = attempt;
  const where = `cluster '${cluster.name}'`;
  const Where = `Cluster '${cluster.name}'`;
  switch (error.statusCode) {
    case 401:
      return new NotAllowedError(
        `${Where} did not accept the portal's credentials (${error.message}); check its serviceAccountToken or kubeconfig`,
      );
    case 403:
      return new NotAllowedError(
        `The portal's service account may not ${verb} ${resource} in namespace '${cluster.namespace}' on ${where}; grant it the rules in the README (KUBEVIRT_PROVIDER_RBAC_RULES). The API server said: ${error.message}`,
      );
    case 404:
      if (isApiMissing(error)) {
        return new ServiceUnavailableError(missingApi(attempt, error));
      }
      if (error.kind === 'namespaces') {
        return new ServiceUnavailableError(
          `${Where} has no namespace '${cluster.namespace}' for desktops (${error.message}); create it or set the cluster's namespace`,
        );
      }
      return new NotFoundError(
        `The desktop '${name}' was not found on ${where}`,
      );
    case 409:
      return new ConflictError(
        `${Where} refused to ${verb} ${resource} '${name}': ${error.message}`,
      );
    case 400:
    case 422:
      return new InputError(
        `${Where} refused to ${verb} ${resource}: ${error.message}`,
      );
    default:
      return new ServiceUnavailableError(
        `${Where} answered ${error.statusCode} to ${verb} ${resource}: ${error.message}`,
      );
  }
}
