import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
  AuthService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  assertError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  CreateWorkspaceRequest,
  createWorkspaceRequestSchema,
  describeZodError,
  Workspace,
  WorkspaceAction,
  WorkspaceFlavors,
  WorkspaceStatus,
  workspaceCreatePermission,
  workspaceDeletePermission,
  workspaceLifecyclePermission,
  workspaceReadPermission,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ProviderWorkspace,
  WorkspaceChangeType,
  WorkspaceProvider,
} from '@desktop-mania/plugin-workspaces-node';
import type {
  WorkspaceRecord,
  WorkspaceStore,
} from '../database/WorkspaceStore';
import { workspacePermissionRules } from '../permissions/rules';
import type { WorkspacesConfig } from './WorkspacesConfig';
import type { ProviderRegistry } from './ProviderRegistry';

export interface WorkspaceServiceOptions {
  store: WorkspaceStore;
  providers: ProviderRegistry;
  config: WorkspacesConfig;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auth: AuthService;
  logger: LoggerService;
  onChange(change: WorkspaceChangeType, workspace: Workspace): Promise<void>;
}

/**
 * The life of every desktop: who may do what, the records, and the calls to
 * the provider that runs it. Routes, the console proxy and the scheduled
 * housekeeping all go through here so they apply the same rules.
 */
export class WorkspaceService {
  private readonly authorizeConditions;

  constructor(private readonly options: WorkspaceServiceOptions) {
    this.authorizeConditions = createConditionAuthorizer(
      Object.values(workspacePermissionRules) as any,
    );
  }

  getFlavors(): WorkspaceFlavors {
    const { config, providers } = this.options;
    return {
      images: config.images.map(
        ({ name, title, os, description, defaultUser }) => ({
          name,
          title,
          os,
          description,
          defaultUser,
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
      clusters: providers.clusters(),
      defaultCluster: providers.defaultCluster(),
    };
  }

  /** Whether the caller holds a resource permission on this record. */
  async isAllowed(
    permission: ResourcePermission<'workspace'>,
    record: WorkspaceRecord,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return this.authorizeConditions(decision, record);
  }

  /**
   * Loads a record and checks a permission on it. A caller who may not even
   * read it gets a 404, so names of other people's desktops do not leak.
   */
  async authorizeRecord(
    name: string,
    permission: ResourcePermission<'workspace'>,
    credentials: BackstageCredentials,
  ): Promise<WorkspaceRecord> {
    const record = await this.options.store.get(name);
    if (
      !record ||
      !(await this.isAllowed(workspaceReadPermission, record, credentials))
    ) {
      throw new NotFoundError(`No desktop named '${name}'`);
    }
    if (
      permission !== workspaceReadPermission &&
      !(await this.isAllowed(permission, record, credentials))
    ) {
      throw new NotAllowedError(
        `You may not ${permission.name.replace(
          'workspace.',
          '',
        )} the desktop '${name}'`,
      );
    }
    return record;
  }

  async list(
    credentials: BackstageCredentials,
    filter: { owners?: string[] },
  ): Promise<Workspace[]> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: workspaceReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) return [];
    const records = (
      await this.options.store.list({ owners: filter.owners })
    ).filter(r => this.authorizeConditions(decision, r));
    return this.withLiveStatus(records);
  }

  async get(
    credentials: BackstageCredentials,
    name: string,
  ): Promise<Workspace> {
    const record = await this.authorizeRecord(
      name,
      workspaceReadPermission,
      credentials,
    );
    const [workspace] = await this.withLiveStatus([record]);
    return workspace;
  }

  /** All records with their live status, for housekeeping and metrics. */
  async listAll(): Promise<Workspace[]> {
    return this.withLiveStatus(await this.options.store.list());
  }

  /**
   * Desktops that are neither being created nor deleted, each with the
   * record housekeeping decides on and the live status it acts on.
   */
  async listActive(): Promise<
    Array<{ record: WorkspaceRecord; workspace: Workspace }>
  > {
    const records = (await this.options.store.list()).filter(
      r => r.state === 'active',
    );
    const workspaces = await this.withLiveStatus(records);
    return records.map((record, i) => ({ record, workspace: workspaces[i] }));
  }

  /**
   * Stops a desktop on the system's behalf (its lifetime ended, or it sat
   * idle), with the reason in the audit log, and announces the change.
   */
  async stopBySystem(record: WorkspaceRecord, actor: string, reason: string) {
    const { store, providers } = this.options;
    const ref = { name: record.name, cluster: record.cluster };
    try {
      await providers.forCluster(record.cluster).stop(ref);
    } catch (error) {
      assertError(error);
      await store.audit({
        workspace: record.name,
        actor,
        action: 'stop',
        outcome: 'failed',
        message: `${reason}: ${error.message}`,
      });
      throw error;
    }
    await store.audit({
      workspace: record.name,
      actor,
      action: 'stop',
      outcome: 'succeeded',
      message: reason,
    });
    const [workspace] = await this.withLiveStatus([record]);
    await this.options.onChange('changed', workspace);
  }

  private async withLiveStatus(
    records: WorkspaceRecord[],
  ): Promise<Workspace[]> {
    const clusters = [...new Set(records.map(r => r.cluster))];
    const live = new Map<string, Map<string, ProviderWorkspace> | Error>();
    await Promise.all(
      clusters.map(async cluster => {
        try {
          const provider = this.options.providers.forCluster(cluster);
          const items = await provider.list(cluster);
          live.set(cluster, new Map(items.map(i => [i.name, i])));
        } catch (error) {
          live.set(cluster, error as Error);
        }
      }),
    );
    return records.map(record => {
      const found = live.get(record.cluster);
      let status: WorkspaceStatus;
      let namespace: string | undefined;
      if (found instanceof Error) {
        status = {
          phase: 'Unknown',
          ready: false,
          message: `Cluster '${record.cluster}' could not be reached: ${found.message}`,
        };
      } else if (record.state === 'creating') {
        status = {
          phase: 'Provisioning',
          ready: false,
          message: 'Being created',
        };
      } else if (record.state === 'deleting') {
        status = {
          phase: 'Terminating',
          ready: false,
          message: 'Being deleted',
        };
      } else {
        const machine = found?.get(record.name);
        namespace = machine?.namespace;
        status = machine?.status ?? {
          phase: 'Failed',
          ready: false,
          message: `The machine behind this desktop is missing on cluster '${record.cluster}'`,
        };
      }
      return toWorkspace(record, status, namespace);
    });
  }

  async create(
    credentials: BackstageCredentials,
    body: unknown,
    options: { dryRun?: boolean } = {},
  ): Promise<Workspace> {
    const parsed = createWorkspaceRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid desktop order: ${describeZodError(parsed.error)}`,
      );
    }
    const request: CreateWorkspaceRequest = parsed.data;
    const { config, providers, store, permissions } = this.options;

    const [decision] = await permissions.authorize(
      [{ permission: workspaceCreatePermission as BasicPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not order desktops');
    }
    if (!this.options.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError('Desktops are ordered on behalf of a person');
    }

    const image = config.images.find(i => i.name === request.image);
    if (!image) {
      throw new InputError(
        `image: '${request.image}' is not offered; choose one of ${
          config.images.map(i => i.name).join(', ') || '(none configured)'
        }`,
      );
    }
    const size = config.sizes.find(s => s.name === request.size);
    if (!size) {
      throw new InputError(
        `size: '${request.size}' is not offered; choose one of ${
          config.sizes.map(s => s.name).join(', ') || '(none configured)'
        }`,
      );
    }
    const clusterName = request.cluster ?? providers.defaultCluster();
    const cluster = providers.clusters().find(c => c.name === clusterName);
    if (!cluster) {
      throw new InputError(
        `cluster: '${clusterName}' is not served; choose one of ${
          providers
            .clusters()
            .map(c => c.name)
            .join(', ') || '(no provider configured)'
        }`,
      );
    }
    if (!cluster.os.includes(image.os)) {
      throw new InputError(
        image.os === 'windows'
          ? `Windows desktops need the KubeVirt provider; cluster '${
              cluster.name
            }' (${cluster.provider}) runs ${cluster.os.join(', ')} only`
          : `cluster '${cluster.name}' does not run ${image.os} desktops`,
      );
    }
    const { diskGi: diskRange, lifetimeHours: lifeRange } = config.limits;
    const diskGi = request.diskGi ?? diskRange.default;
    if (diskGi < diskRange.min || diskGi > diskRange.max) {
      throw new InputError(
        `diskGi: ${diskGi} is out of range; allowed ${diskRange.min} to ${diskRange.max} GiB`,
      );
    }
    const lifetimeHours = request.lifetimeHours ?? lifeRange.default;
    if (lifetimeHours < lifeRange.min || lifetimeHours > lifeRange.max) {
      throw new InputError(
        `lifetimeHours: ${lifetimeHours} is out of range; allowed ${lifeRange.min} to ${lifeRange.max} hours`,
      );
    }

    const info = await this.options.userInfo.getUserInfo(credentials);
    const owner = normalizeOwner(request.owner ?? info.userEntityRef);
    const claims = info.ownershipEntityRefs.map(r =>
      r.toLocaleLowerCase('en-US'),
    );
    if (!claims.includes(owner.toLocaleLowerCase('en-US'))) {
      throw new NotAllowedError(
        `owner: you may only order desktops for yourself or a group you belong to, not '${owner}'`,
      );
    }

    const now = new Date();
    const record: WorkspaceRecord = {
      name: request.name,
      cluster: cluster.name,
      provider: cluster.provider,
      os: image.os,
      image: image.name,
      size: size.name,
      diskGi,
      owner,
      createdBy: info.userEntityRef,
      template: request.template,
      system: request.system,
      state: 'creating',
      createdAt: now,
      expiresAt: new Date(now.getTime() + lifetimeHours * 3600_000),
      lastActivityAt: now,
    };

    if (options.dryRun) {
      if (await store.get(record.name)) {
        throw new ConflictError(
          `A desktop named '${record.name}' already exists`,
        );
      }
      const held = (await store.list({ owners: [owner] })).length;
      if (held >= config.limits.maxPerOwner) {
        throw quotaError(owner, held, config.limits.maxPerOwner);
      }
      return toWorkspace(record, {
        phase: 'Provisioning',
        ready: false,
        message: 'Dry run: the order is valid and nothing was created',
      });
    }

    const reserved = await store.reserve(record, config.limits.maxPerOwner);
    if (!reserved.ok) {
      throw quotaError(owner, reserved.held, config.limits.maxPerOwner);
    }

    const provider = providers.forCluster(cluster.name);
    let machine: ProviderWorkspace;
    try {
      machine = await provider.create({
        name: record.name,
        cluster: record.cluster,
        image,
        size,
        diskGi,
        owner,
        createdBy: info.userEntityRef,
        username: accountName(image.defaultUser, info.userEntityRef),
        expiresAt: record.expiresAt?.toISOString(),
      });
    } catch (error) {
      await this.rollbackCreate(record, provider, error as Error, credentials);
      throw error;
    }
    await store.setState(record.name, 'active');
    record.state = 'active';
    await this.record(credentials, record.name, 'create', 'succeeded');
    const workspace = toWorkspace(record, machine.status, machine.namespace);
    await this.options.onChange('created', workspace);
    return workspace;
  }

  // Leaves neither a record without a machine nor a machine without a record.
  private async rollbackCreate(
    record: WorkspaceRecord,
    provider: WorkspaceProvider,
    error: Error,
    credentials: BackstageCredentials,
  ) {
    // A conflict means the name belongs to a machine someone else made; it is not ours to remove.
    if (error.name !== 'ConflictError') {
      try {
        await provider.delete({ name: record.name, cluster: record.cluster });
      } catch (cleanupError) {
        if ((cleanupError as Error).name !== 'NotFoundError') {
          this.options.logger.error(
            `Could not clean up desktop ${record.name} after a failed create`,
            cleanupError as Error,
          );
        }
      }
    }
    await this.options.store.remove(record.name);
    await this.record(
      credentials,
      record.name,
      'create',
      'failed',
      error.message,
    );
  }

  async runAction(
    credentials: BackstageCredentials,
    name: string,
    action: WorkspaceAction,
  ): Promise<Workspace> {
    const record = await this.authorizeRecord(
      name,
      workspaceLifecyclePermission,
      credentials,
    );
    if (record.state !== 'active') {
      throw new ConflictError(
        `The desktop '${name}' is ${
          record.state === 'creating' ? 'still being created' : 'being deleted'
        }`,
      );
    }
    const provider = this.options.providers.forCluster(record.cluster);
    const ref = { name: record.name, cluster: record.cluster };
    try {
      await provider[action](ref);
    } catch (error) {
      await this.record(
        credentials,
        name,
        action,
        'failed',
        (error as Error).message,
      );
      throw error;
    }
    if (action !== 'stop') await this.options.store.touch(name, new Date());
    await this.record(credentials, name, action, 'succeeded');
    const workspace = await this.get(credentials, name);
    await this.options.onChange('changed', workspace);
    return workspace;
  }

  async delete(credentials: BackstageCredentials, name: string): Promise<void> {
    const record = await this.authorizeRecord(
      name,
      workspaceDeletePermission,
      credentials,
    );
    await this.deleteRecord(record, actorOf(credentials));
  }

  /** Removes the machine, then the record; shared by the route and expiry. */
  async deleteRecord(record: WorkspaceRecord, actor: string) {
    const { store, providers } = this.options;
    await store.setState(record.name, 'deleting');
    try {
      await providers
        .forCluster(record.cluster)
        .delete({ name: record.name, cluster: record.cluster });
    } catch (error) {
      if ((error as Error).name !== 'NotFoundError') {
        // The record stays, back in service, so the delete can be retried.
        await store.setState(record.name, 'active');
        await store.audit({
          workspace: record.name,
          actor,
          action: 'delete',
          outcome: 'failed',
          message: (error as Error).message,
        });
        throw error;
      }
    }
    await store.remove(record.name);
    await store.audit({
      workspace: record.name,
      actor,
      action: 'delete',
      outcome: 'succeeded',
    });
    await this.options.onChange(
      'deleted',
      toWorkspace(record, { phase: 'Terminating', ready: false }),
    );
  }

  async auditLog(credentials: BackstageCredentials, name: string) {
    await this.authorizeRecord(name, workspaceReadPermission, credentials);
    return this.options.store.auditLog(name);
  }

  private async record(
    credentials: BackstageCredentials,
    workspace: string,
    action: string,
    outcome: 'succeeded' | 'failed',
    message?: string,
  ) {
    await this.options.store.audit({
      workspace,
      actor: actorOf(credentials),
      action,
      outcome,
      message,
    });
  }
}

export function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return p.type === 'user'
    ? p.userEntityRef!
    : `${p.type}:${p.subject ?? 'unknown'}`;
}

function quotaError(owner: string, held: number, max: number) {
  return new NotAllowedError(
    `Quota reached: '${owner}' holds ${held} of ${max} desktops; delete one before ordering another`,
  );
}

function normalizeOwner(owner: string): string {
  try {
    const ref = parseEntityRef(owner, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
    if (
      ref.kind.toLocaleLowerCase('en-US') !== 'user' &&
      ref.kind.toLocaleLowerCase('en-US') !== 'group'
    ) {
      throw new Error('must be a user or a group');
    }
    return stringifyEntityRef(ref);
  } catch (error) {
    throw new InputError(
      `owner: '${owner}' is not a user or group reference (${
        (error as Error).message
      })`,
    );
  }
}

/** A POSIX account name derived from the person, unless the image dictates one. */
export function accountName(
  defaultUser: string | undefined,
  userEntityRef: string,
): string {
  if (defaultUser) return defaultUser;
  const { name } = parseEntityRef(userEntityRef);
  const cleaned = name
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[^a-z_]+/, '');
  return (cleaned || 'user').slice(0, 32);
}

export function toWorkspace(
  record: WorkspaceRecord,
  status: WorkspaceStatus,
  namespace?: string,
): Workspace {
  return {
    name: record.name,
    cluster: record.cluster,
    provider: record.provider,
    namespace,
    os: record.os,
    image: record.image,
    size: record.size,
    diskGi: record.diskGi,
    owner: record.owner,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString(),
    template: record.template,
    system: record.system,
    status,
  };
}
