import { ResponseError } from '@backstage/errors';
import type { KeyboardLayoutRequest } from './keyboardLayouts';
import type { WorkspaceSchedule, WorkspaceScheduleRequest } from './schedules';
import type { WorkspaceSnapshot, WorkspaceSnapshotList } from './snapshots';
import type { ShareRequest, WorkspaceShare } from './shares';
import type { RecordingSummary } from './recordingFormat';
import type {
  CreateWorkspaceRequest,
  Workspace,
  WorkspaceAction,
  WorkspaceAuditEvent,
  WorkspaceFlavors,
  WorkspaceFolder,
  WorkspaceOrdering,
  WorkspaceUsage,
} from './types';
import type { WorkspacesApi, WorkspacesRequestOptions } from './WorkspacesApi';

/**
 * Talks to the workspaces backend over HTTP. Works in the browser (with the
 * app's fetchApi) and in backend modules (with a plugin request token).
 * One method per route of the backend's API, which is why the file is long;
 * the contract itself is {@link WorkspacesApi}.
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

  listFiles(name: string, path: string, options?: WorkspacesRequestOptions) {
    return this.request<WorkspaceFolder>(
      'GET',
      `/workspaces/${encodeURIComponent(name)}/files?path=${encodeURIComponent(
        path,
      )}`,
      options,
    );
  }

  async downloadFile(
    name: string,
    path: string,
    options?: WorkspacesRequestOptions,
  ) {
    const response = await this.send('GET', name, path, options);
    return response.blob();
  }

  async uploadFile(
    name: string,
    path: string,
    content: Blob,
    options?: WorkspacesRequestOptions,
  ) {
    await this.send('PUT', name, path, options, content);
  }

  // File contents travel raw, not as JSON, and through fetchApi so the
  // caller's token goes with them.
  private async send(
    method: string,
    name: string,
    path: string,
    options?: WorkspacesRequestOptions,
    body?: Blob,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('workspaces');
    const headers: Record<string, string> = {};
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    if (body) headers['Content-Type'] = 'application/octet-stream';
    const response = await this.fetchApi.fetch(
      `${baseUrl}/workspaces/${encodeURIComponent(
        name,
      )}/files/content?path=${encodeURIComponent(path)}`,
      { method, headers, body },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  extendWorkspace(
    name: string,
    hours: number,
    options?: WorkspacesRequestOptions,
  ) {
    return this.request<Workspace>(
      'POST',
      `/workspaces/${encodeURIComponent(name)}/extend`,
      options,
      { hours },
    );
  }

  getWorkspaceUsage(name: string, options?: WorkspacesRequestOptions) {
    return this.request<WorkspaceUsage>(
      'GET',
      `/workspaces/${encodeURIComponent(name)}/usage`,
      options,
    );
  }

  async getSchedule(name: string, options?: WorkspacesRequestOptions) {
    try {
      return await this.request<WorkspaceSchedule>(
        'GET',
        `/workspaces/${encodeURIComponent(name)}/schedule`,
        options,
      );
    } catch (error) {
      // 404 is also the answer for a desktop one may not see; then the
      // desktop itself could not have been shown either.
      if ((error as ResponseError).response?.status === 404) return undefined;
      throw error;
    }
  }

  setSchedule(
    name: string,
    schedule: WorkspaceScheduleRequest,
    options?: WorkspacesRequestOptions,
  ) {
    return this.request<WorkspaceSchedule>(
      'PUT',
      `/workspaces/${encodeURIComponent(name)}/schedule`,
      options,
      schedule,
    );
  }

  async deleteSchedule(name: string, options?: WorkspacesRequestOptions) {
    await this.request<void>(
      'DELETE',
      `/workspaces/${encodeURIComponent(name)}/schedule`,
      options,
    );
  }

  async setKeyboardLayout(
    name: string,
    layout: string,
    options?: WorkspacesRequestOptions,
  ) {
    const body: KeyboardLayoutRequest = { layout };
    await this.request<void>(
      'PUT',
      `/workspaces/${encodeURIComponent(name)}/keyboard-layout`,
      options,
      body,
    );
  }

  listSnapshots(name: string, options?: WorkspacesRequestOptions) {
    return this.request<WorkspaceSnapshotList>(
      'GET',
      snapshotsPath(name),
      options,
    );
  }

  takeSnapshot(
    name: string,
    snapshot: string,
    options?: WorkspacesRequestOptions,
  ) {
    return this.request<WorkspaceSnapshot>(
      'POST',
      snapshotsPath(name),
      options,
      { name: snapshot },
    );
  }

  restoreSnapshot(
    name: string,
    snapshot: string,
    options?: WorkspacesRequestOptions,
  ) {
    return this.request<WorkspaceSnapshot>(
      'POST',
      `${snapshotsPath(name, snapshot)}/restore`,
      options,
    );
  }

  async deleteSnapshot(
    name: string,
    snapshot: string,
    options?: WorkspacesRequestOptions,
  ) {
    await this.request<void>('DELETE', snapshotsPath(name, snapshot), options);
  }

  keepSnapshot(
    name: string,
    snapshot: string,
    keep: boolean,
    options?: WorkspacesRequestOptions,
  ) {
    return this.request<WorkspaceSnapshot>(
      'PATCH',
      snapshotsPath(name, snapshot),
      options,
      { keep },
    );
  }

  listRecordings(name: string, options?: WorkspacesRequestOptions) {
    return this.request<{ items: RecordingSummary[] }>(
      'GET',
      `/workspaces/${encodeURIComponent(name)}/recordings`,
      options,
    );
  }

  getRecording(id: string, options?: WorkspacesRequestOptions) {
    return this.request<RecordingSummary>(
      'GET',
      `/recordings/${encodeURIComponent(id)}`,
      options,
    );
  }

  // The file travels raw, not as JSON.
  async getRecordingContent(id: string, options?: WorkspacesRequestOptions) {
    const baseUrl = await this.discoveryApi.getBaseUrl('workspaces');
    const response = await this.fetchApi.fetch(
      `${baseUrl}/recordings/${encodeURIComponent(id)}/content`,
      options?.token
        ? { headers: { Authorization: `Bearer ${options.token}` } }
        : {},
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.arrayBuffer();
  }

  listShares(name: string, options?: WorkspacesRequestOptions) {
    return this.request<{ items: WorkspaceShare[] }>(
      'GET',
      sharesPath(name),
      options,
    );
  }

  setShare(
    name: string,
    grantee: string,
    request: ShareRequest,
    options?: WorkspacesRequestOptions,
  ) {
    return this.request<WorkspaceShare>(
      'PUT',
      sharesPath(name, grantee),
      options,
      request,
    );
  }

  async removeShare(
    name: string,
    grantee: string,
    options?: WorkspacesRequestOptions,
  ) {
    await this.request<void>('DELETE', sharesPath(name, grantee), options);
  }

  listSharedWithMe(options?: WorkspacesRequestOptions) {
    return this.request<Awaited<ReturnType<WorkspacesApi['listSharedWithMe']>>>(
      'GET',
      '/shared-with-me',
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

function snapshotsPath(name: string, snapshot?: string) {
  const base = `/workspaces/${encodeURIComponent(name)}/snapshots`;
  return snapshot === undefined
    ? base
    : `${base}/${encodeURIComponent(snapshot)}`;
}

function sharesPath(name: string, grantee?: string) {
  const base = `/workspaces/${encodeURIComponent(name)}/shares`;
  return grantee === undefined
    ? base
    : `${base}/${encodeURIComponent(grantee)}`;
}
