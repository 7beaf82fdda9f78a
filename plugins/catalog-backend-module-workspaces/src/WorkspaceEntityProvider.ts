import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  Workspace,
  WorkspacesClient,
} from '@desktop-mania/plugin-workspaces-common';
import { locationOf, workspaceToEntity } from './workspaceToEntity';

/** The topic the workspaces backend announces changes on. */
export const WORKSPACES_TOPIC = 'workspaces';

/**
 * Mirrors every desktop the workspaces backend knows into the catalog: a
 * full sync on a schedule, and a delta for each change announced on the
 * events service so a new desktop shows within seconds.
 * @public
 */
export class WorkspaceEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly client: WorkspacesClient;

  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      events?: EventsService;
      taskRunner?: SchedulerServiceTaskRunner;
    },
  ) {
    this.client = new WorkspacesClient({ discoveryApi: options.discovery });
  }

  getProviderName(): string {
    return 'workspaces';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.events?.subscribe({
      id: 'catalog-workspaces-provider',
      topics: [WORKSPACES_TOPIC],
      onEvent: async ({ eventPayload }) => {
        await this.applyChange(eventPayload as { type: string; workspace: Workspace });
      },
    });
    await this.options.taskRunner?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /**
   * Replaces the provider's entities with a fresh listing. A listing that
   * fails changes nothing: only a successful one may remove entities.
   * Desktops of an unreachable cluster are still listed (with an unknown
   * status), so they stay too.
   */
  async refresh(): Promise<{ count: number } | undefined> {
    if (!this.connection) throw new Error('WorkspaceEntityProvider is not connected');
    let workspaces: Workspace[];
    try {
      workspaces = await this.client.listWorkspaces(undefined, { token: await this.token() });
    } catch (error) {
      this.options.logger.warn(
        `Could not list desktops; the catalog keeps the ones it has: ${error}`,
      );
      return undefined;
    }
    await this.connection.applyMutation({
      type: 'full',
      entities: workspaces.map(w => ({
        entity: workspaceToEntity(w),
        locationKey: locationOf(w.cluster),
      })),
    });
    this.options.logger.info(`Mirrored ${workspaces.length} desktops into the catalog`);
    return { count: workspaces.length };
  }

  private async applyChange(change: { type: string; workspace: Workspace }) {
    if (!this.connection || !change?.workspace?.name) return;
    const entity = workspaceToEntity(change.workspace);
    const locationKey = locationOf(change.workspace.cluster);
    if (change.type === 'deleted') {
      await this.connection.applyMutation({
        type: 'delta',
        added: [],
        removed: [{ entityRef: stringifyEntityRef(entity), locationKey }],
      });
    } else {
      await this.connection.applyMutation({
        type: 'delta',
        added: [{ entity, locationKey }],
        removed: [],
      });
    }
  }

  private async token() {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'workspaces',
    });
    return token;
  }
}
