import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  workspaceReadPermission,
  type Workspace,
  type WorkspaceFlavors,
  type WorkspaceOrdering,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { WorkspaceQuery } from '../permissions/rules';
import type { SessionRecorder } from '../recording/SessionRecorder';
import type { WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import type { WorkspaceSharing } from './WorkspaceSharing';
import type { WorkspacesConfig } from './WorkspacesConfig';

/**
 * Desktops as callers see them: with their live status, what the caller
 * may do with each and whether their consoles are recorded; whom a caller
 * may order for; what may be ordered. It reads records only through the
 * loaders the workspace service gives it, so the service stays their one
 * owner and writer.
 */
export class WorkspaceViews {
  constructor(
    private readonly options: {
      config: WorkspacesConfig;
      /** The clusters desktops run on, as the providers announce them. */
      clusters(): Pick<WorkspaceFlavors, 'clusters' | 'defaultCluster'>;
      list(filter?: {
        owners?: string[];
        allowed?: PermissionCriteria<WorkspaceQuery>;
      }): Promise<WorkspaceRecord[]>;
      withLiveStatus(records: WorkspaceRecord[]): Promise<Workspace[]>;
      authorizer: WorkspaceAuthorizer;
      sharing: Pick<WorkspaceSharing, 'withAccess'>;
      recorder: Pick<SessionRecorder, 'records'>;
    },
  ) {}

  flavors(): WorkspaceFlavors {
    const { config } = this.options;
    return {
      images: config.images.map(
        ({
          name,
          title,
          os,
          description,
          defaultUser,
          minimum,
          sizes,
          diskGi,
        }) => ({
          name,
          title,
          os,
          description,
          defaultUser,
          minimum,
          sizes,
          diskGi,
        }),
      ),
      sizes: config.sizes.map(({ name, title, description, cpu, memory }) => ({
        name,
        title,
        description,
        cpu,
        memory,
      })),
      limits: config.limits,
      ...this.options.clusters(),
    };
  }

  /** Whom the caller may order for, with each owner's desktops against the quota. */
  async ordering(
    credentials: BackstageCredentials,
  ): Promise<WorkspaceOrdering> {
    const { owners } = await this.options.authorizer.orderingOwners(
      credentials,
    );
    const max = this.options.config.limits.maxPerOwner;
    return {
      owners: await Promise.all(
        owners.map(async owner => ({
          owner,
          held: (await this.options.list({ owners: [owner] })).length,
          max,
        })),
      ),
    };
  }

  async list(
    credentials: BackstageCredentials,
    filter: { owners?: string[] },
  ): Promise<Workspace[]> {
    const allowed = await this.options.authorizer.readable(credentials);
    // A definite no is a caller that may not read desktops at all, such as
    // the metrics scrape token, not one that happens to have none.
    if (allowed === false) {
      throw new NotAllowedError('You may not list desktops');
    }
    const records = await this.options.list({
      owners: filter.owners,
      allowed,
    });
    return this.asSeenBy(credentials, records);
  }

  async get(
    credentials: BackstageCredentials,
    name: string,
  ): Promise<Workspace> {
    const record = await this.options.authorizer.authorizeRecord(
      name,
      workspaceReadPermission,
      credentials,
    );
    const [workspace] = await this.asSeenBy(credentials, [record]);
    return workspace;
  }

  /** All records with their live status, for metrics. */
  async listAll(): Promise<Workspace[]> {
    return this.options.withLiveStatus(await this.options.list());
  }

  /**
   * Desktops that are neither being created nor deleted, each with the
   * record housekeeping decides on and the live status it acts on.
   */
  async listActive(): Promise<
    Array<{ record: WorkspaceRecord; workspace: Workspace }>
  > {
    const records = (await this.options.list()).filter(
      r => r.state === 'active',
    );
    const workspaces = await this.options.withLiveStatus(records);
    return records.map((record, i) => ({ record, workspace: workspaces[i] }));
  }

  private async asSeenBy(
    credentials: BackstageCredentials,
    records: WorkspaceRecord[],
  ): Promise<Workspace[]> {
    const live = await this.options.withLiveStatus(records);
    const workspaces = await this.options.sharing.withAccess(
      credentials,
      records,
      live,
    );
    const { recorder } = this.options;
    return workspaces.map(w =>
      recorder.records(w) ? { ...w, recorded: true } : w,
    );
  }
}
