import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  assertError,
  ConflictError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import type {
  ProviderWorkspace,
  WorkspaceChangeType,
} from '@desktop-mania/plugin-workspaces-node';
import type {
  WorkspaceRecord,
  WorkspaceStore,
} from '../database/WorkspaceStore';
import { toWorkspace } from './liveStatus';
import {
  accountName,
  orderedRecord,
  quotaError,
  validateOrder,
} from './orderValidation';
import type { ProviderRegistry } from './ProviderRegistry';
import { actorOf, type WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import type { WorkspacesConfig } from './WorkspacesConfig';
import type { AuditEntry } from './WorkspaceService';

/**
 * Part of the workspace service, in its own file because the service is long
 * enough: it makes ordered desktops, with the service's store, providers,
 * audit and events (so `ownership.test.ts` lists it beside the service), and
 * only the service builds it.
 */
export class WorkspaceOrders {
  constructor(
    private readonly options: {
      store: WorkspaceStore;
      providers: ProviderRegistry;
      config: WorkspacesConfig;
      logger: LoggerService;
      authorizer: WorkspaceAuthorizer;
      /** The service's desktops being created or deleting in this process. */
      busy: Set<string>;
      audit(entry: AuditEntry): Promise<void>;
      onChange(
        change: WorkspaceChangeType,
        workspace: Workspace,
      ): Promise<void>;
    },
  ) {}

  async create(
    credentials: BackstageCredentials,
    body: unknown,
    options: { dryRun?: boolean } = {},
  ): Promise<Workspace> {
    const { config, providers, store, busy } = this.options;
    const order = validateOrder(
      body,
      config,
      providers.clusters(),
      providers.defaultCluster(),
    );
    const { owner, userEntityRef } =
      await this.options.authorizer.authorizeOrder(
        credentials,
        order.request.owner,
      );
    const record = orderedRecord(order, owner, userEntityRef, new Date());

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
    let machine: ProviderWorkspace;
    let finishedElsewhere = false;
    // Busy until the record is active, so reconciliation here leaves it alone.
    busy.add(record.name);
    try {
      machine = await providers.forCluster(record.cluster).create({
        name: record.name,
        cluster: record.cluster,
        image: order.image,
        size: order.size,
        diskGi: order.diskGi,
        owner,
        createdBy: userEntityRef,
        username: accountName(order.image.defaultUser, userEntityRef),
        expiresAt: record.expiresAt?.toISOString(),
      });
      // Another backend process that started meanwhile may have settled the
      // record: finished it (and said so), or rolled it back, and then this
      // machine must go too.
      if (!(await store.transition(record.name, 'creating', 'active'))) {
        if ((await store.get(record.name))?.state !== 'active') {
          throw new ServiceUnavailableError(
            `The order of '${record.name}' was rolled back while it was being made, by a backend process that restarted; order it again`,
          );
        }
        finishedElsewhere = true;
      }
    } catch (error) {
      assertError(error);
      await this.rollbackCreate(record, error, actorOf(credentials));
      throw error;
    } finally {
      busy.delete(record.name);
    }
    record.state = 'active';
    const workspace = toWorkspace(record, machine.status, machine.namespace);
    if (finishedElsewhere) return workspace;
    await this.options.audit({
      workspace: record.name,
      actor: actorOf(credentials),
      action: 'create',
      outcome: 'succeeded',
    });
    await this.options.onChange('created', workspace);
    return workspace;
  }

  // Leaves neither a record without a machine nor a machine without a record.
  private async rollbackCreate(
    record: WorkspaceRecord,
    error: Error,
    actor: string,
  ) {
    // A conflict means the name belongs to a machine someone else made; it is not ours to remove.
    if (error.name !== 'ConflictError') {
      try {
        await this.options.providers.deleteMachine(record);
      } catch (cleanupError) {
        assertError(cleanupError);
        this.options.logger.error(
          `Could not clean up desktop ${record.name} after a failed create`,
          cleanupError,
        );
      }
    }
    await this.options.store.remove(record.name, 'creating');
    await this.options.audit({
      workspace: record.name,
      actor,
      action: 'create',
      outcome: 'failed',
      message: error.message,
    });
  }
}
