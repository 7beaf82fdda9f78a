import { ResponseError } from '@backstage/errors';
import type {
  CreateWorkspaceRequest,
  Workspace,
  WorkspaceAction,
  WorkspaceAuditEvent,
  WorkspaceFlavors,
  WorkspaceOrdering,
} from './types';

/** Options of each call; `token` is for backend callers, the frontend's fetch adds its own. @public */
export interface WorkspacesRequestOptions {
  token?: string;
}

/** @public */
export interface WorkspacesApi {
  getFlavors(options?: WorkspacesRequestOptions): Promise<WorkspaceFlavors>;
  getOrdering(options?: WorkspacesRequestOptions): Promise<WorkspaceOrdering>;
  listWorkspaces(
    query?: { owner?: string[] },
    options?: WorkspacesRequestOptions,
  ): Promise<Workspace[]>;
  getWorkspace(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<Workspace>;
  createWorkspace(
    request: CreateWorkspaceRequest,
    options?: WorkspacesRequestOptions & { dryRun?: boolean },
  ): Promise<Workspace>;
  runAction(
    name: string,
    action: WorkspaceAction,
    options?: WorkspacesRequestOptions,
  ): Promise<Workspace>;
  deleteWorkspace(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<void>;
  getAuditLog(
    name: string,
    options?: WorkspacesRequestOptions,
  ): Promise<WorkspaceAuditEvent[]>;
}

/**
 * Talks to the workspaces backend over HTTP. Works in the browser (with the
 * app's fetchApi) and in backend modules (with a plugin request token).
 * @public
 */
export class WorkspacesClient implements WorkspacesApi {
  private readonly discoveryApi: {
    getBaseUrl(pluginId: string): Promise<string>;
  };
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (...a) => fetch(...a) };
  }

  getFlavors(options?: WorkspacesRequestOptions) {
    return this.request<WorkspaceFlavors>('GET', '/flavors', options);
  }

  getOrdering(options?: WorkspacesRequestOptions) {
    return this.request<WorkspaceOrdering>('GET', '/ordering', options);
  }

  listWorkspaces(
    query?: { owner?: string[] },
    options?: WorkspacesRequestOptions,
  ) {
    const params = new URLSearchParams();
    for (const owner of query?.owner ?? []) params.append('owner', owner);
    const qs = params.toString();
    return this.request<Workspace[]>(
      'GET',
      `/workspaces${qs ? `?${qs}` : ''}`,
      options,
    );
  }

  getWorkspace(name: string, options?: WorkspacesRequestOptions) {
    return this.request<Workspace>(
      'GET',
      `/workspaces/${encodeURIComponent(name)}`,
      options,
    );
  }

  createWorkspace(
    request: CreateWorkspaceRequest,
    options?: WorkspacesRequestOptions & { dryRun?: boolean },
  ) {
    return this.request<Workspace>(
      'POST',
      `/workspaces${options?.dryRun ? '?dryRun=true' : ''}`,
      options,
      request,
    );
  }

  runAction(
    name: string,
    action: WorkspaceAction,
    options?: WorkspacesRequestOptions,
  ) {
    return this.request<Workspace>(
      'POST',
      `/workspaces/${encodeURIComponent(name)}/${action}`,
      options,
    );
  }

  async deleteWorkspace(name: string, options?: WorkspacesRequestOptions) {
    await this.request<void>(
      'DELETE',
      `/workspaces/${encodeURIComponent(name)}`,
      options,
    );
  }

  getAuditLog(name: string, options?: WorkspacesRequestOptions) {
    return this.request<WorkspaceAuditEvent[]>(
      'GET',
      `/workspaces/${encodeURIComponent(name)}/audit`,
      options,
    );
  }

  private async request<T>(
    method: string,
    path: string,
    options?: WorkspacesRequestOptions,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('workspaces');
    const headers: Record<string, string> = {};
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}
