import { AuthService, BackstageCredentials, DiscoveryService } from '@backstage/backend-plugin-api';
import { WorkspacesClient } from '@desktop-mania/plugin-workspaces-common';

/**
 * A client that calls the workspaces backend as the person who runs the
 * template, so their permissions and quota apply, not the scaffolder's.
 */
export function clientFor(options: { auth: AuthService; discovery: DiscoveryService }) {
  const client = new WorkspacesClient({ discoveryApi: options.discovery });
  const tokenFor = async (onBehalfOf: BackstageCredentials) =>
    (await options.auth.getPluginRequestToken({ onBehalfOf, targetPluginId: 'workspaces' })).token;
  return { client, tokenFor };
}

/** The backend's own words for a refusal, so the task log says what to fix. */
export function refusal(error: unknown): Error {
  const e = error as { name?: string; message?: string; body?: { error?: { message?: string } }; statusCode?: number };
  if (e?.name === 'ResponseError' && e.body?.error?.message) {
    return new Error(`The desktop order was refused (${e.statusCode}): ${e.body.error.message}`);
  }
  return error as Error;
}
