// A little over 300 lines on purpose: listings, announced changes and the
// order their mutations reach the catalog in are one piece of state, kept in
// this one class.
import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  Workspace,
  WorkspacesClient,
} from '@desktop-mania/plugin-workspaces-common';
import {
  isWorkspaceChangeEvent,
  WORKSPACES_EVENT_TOPIC,
  type WorkspaceChangeEvent,
} from '@desktop-mania/plugin-workspaces-node';
import { locationOf, workspaceToEntity } from './workspaceToEntity';

/**
 * The outcome of one full sync.
 *
 * @public
 */
export interface WorkspaceSyncResult {
  /** Entities the catalog now holds for this provider. */
  count: number;
  /** Clusters that could not be asked; their previous entities were kept. */
  keptClusters: string[];
}

/**
 * Mirrors every desktop the workspaces backend knows into the catalog: a
 * full sync on a schedule, and a delta for each change announced on the
 * events service so a new desktop shows within seconds.
 *
 * Only a successful listing removes entities. A listing that fails changes
 * nothing, and the desktops of a cluster the backend could not ask (all of
 * them in phase `Unknown`) are merged with the ones last seen there, so a
 * cluster outage never empties the catalog.
 * @public
 */
export class WorkspaceEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly client: WorkspacesClient;
  /** The desktops the catalog holds, by cluster then name. */
  private known = new Map<string, Map<string, Workspace>>();
  /** Changes announced while a listing is in flight, replayed on top of it. */
  private pending?: WorkspaceChangeEvent[];
  /**
   * Every mutation goes through this chain, so a full sync built from an
   * older listing never lands after a delta that is newer than it.
   */
  private queue: Promise<unknown> = Promise.resolve();
  /** Syncs since the last full mutation; undefined until one has landed. */
  private sinceFull?: number;

  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      events?: EventsService;
      taskRunner?: SchedulerServiceTaskRunner;
      /**
       * Every how many syncs the provider replaces all its entities (a full
       * mutation); the others send only what changed since the last one (a
       * delta). 1 sends every sync in full. Default 12.
       */
      fullSyncEvery?: number;
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
      topics: [WORKSPACES_EVENT_TOPIC],
      onEvent: event => this.onEvent(event),
    });
    await this.options.taskRunner?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /**
   * Lists every desktop and replaces the provider's entities with them,
   * keeping those of clusters that could not be asked. Resolves to undefined
   * when the listing failed and nothing changed.
   */
  async refresh(): Promise<WorkspaceSyncResult | undefined> {
    if (!this.connection) {
      throw new Error('WorkspaceEntityProvider is not connected');
    }
    const connection = this.connection;
    this.pending = [];
    let listing: Workspace[];
    try {
      listing = await this.client.listWorkspaces(undefined, {
        token: await this.token(),
      });
    } catch (error) {
      this.pending = undefined;
      this.options.logger.warn(
        `Could not list desktops; the catalog keeps the ones it has: ${error}`,
      );
      return undefined;
    }
    return this.enqueue(async () => {
      const { known, keptClusters } = this.reconcile(listing);
      for (const change of this.pending ?? []) apply(known, change);
      this.pending = undefined;
      const full =
        this.sinceFull === undefined ||
        this.sinceFull + 1 >= (this.options.fullSyncEvery ?? 12);
      const count = await (full
        ? this.applyFull(connection, known)
        : this.applyDelta(connection, known));
      this.known = known;
      if (full) await this.settleFull(connection);
      if (keptClusters.length > 0) {
        this.options.logger.warn(
          `Clusters ${keptClusters.join(
            ', ',
          )} could not be reached; their desktops stay in the catalog as last seen`,
        );
      }
      this.options.logger.info(`Mirrored ${count} desktops into the catalog`);
      return { count, keptClusters };
    });
  }

  /**
   * Replaces every entity of the provider. The first sync after start is
   * full (nothing else removes what vanished while the backend was down),
   * and so is every fullSyncEvery-th, which repairs anything that happened
   * outside the provider, such as an entity unregistered through the API.
   */
  private async applyFull(
    connection: EntityProviderConnection,
    known: Map<string, Map<string, Workspace>>,
  ) {
    const entities: DeferredEntity[] = [];
    for (const [cluster, workspaces] of known) {
      const locationKey = locationOf(cluster);
      for (const workspace of workspaces.values()) {
        entities.push({ entity: workspaceToEntity(workspace), locationKey });
      }
    }
    await connection.applyMutation({ type: 'full', entities });
    this.sinceFull = 0;
    return entities.length;
  }

  /**
   * Each announced change reaches one replica. A change another replica
   * applied while this one's listing was in flight is not among the changes
   * replayed on top of it, so the full mutation just undid it: a desktop
   * ordered there is gone from the catalog, or one deleted there is back. A
   * second listing, sent as a delta against what the full one sent, repairs
   * that now rather than at the next sync. If it fails, the next sync does.
   */
  private async settleFull(connection: EntityProviderConnection) {
    let listing: Workspace[];
    try {
      listing = await this.client.listWorkspaces(undefined, {
        token: await this.token(),
      });
    } catch {
      return;
    }
    const { known } = this.reconcile(listing);
    await this.applyDelta(connection, known);
    this.known = known;
    this.sinceFull = 0;
  }

  /**
   * Sends only the desktops whose entity differs from the last one sent, and
   * removals. The catalog would find unchanged entities itself, but only
   * after hashing each one and reading every row of the provider; with
   * thousands of desktops and few changes that is most of a sync's cost.
   */
  private async applyDelta(
    connection: EntityProviderConnection,
    known: Map<string, Map<string, Workspace>>,
  ) {
    const added: DeferredEntity[] = [];
    const removed: { entityRef: string; locationKey: string }[] = [];
    let count = 0;
    for (const [cluster, workspaces] of known) {
      const locationKey = locationOf(cluster);
      const before = this.known.get(cluster);
      for (const [name, workspace] of workspaces) {
        count += 1;
        const entity = workspaceToEntity(workspace);
        const previous = before?.get(name);
        if (
          !previous ||
          JSON.stringify(workspaceToEntity(previous)) !== JSON.stringify(entity)
        )
          added.push({ entity, locationKey });
      }
    }
    for (const [cluster, workspaces] of this.known) {
      for (const [name, workspace] of workspaces) {
        if (known.get(cluster)?.has(name)) continue;
        removed.push({
          entityRef: stringifyEntityRef(workspaceToEntity(workspace)),
          locationKey: locationOf(cluster),
        });
      }
    }
    if (added.length > 0 || removed.length > 0)
      await connection.applyMutation({ type: 'delta', added, removed });
    this.sinceFull = (this.sinceFull ?? 0) + 1;
    return count;
  }

  /** The listing by cluster, with the last known desktops of clusters that could not be asked. */
  private reconcile(listing: Workspace[]) {
    const known = new Map<string, Map<string, Workspace>>();
    for (const workspace of listing)
      apply(known, { type: 'changed', workspace });
    const keptClusters: string[] = [];
    for (const [name, listed] of known) {
      const previous = this.known.get(name);
      const unreachable = [...listed.values()].every(
        w => w.status?.phase === 'Unknown',
      );
      if (!previous || !unreachable) continue;
      keptClusters.push(name);
      for (const [workspaceName, workspace] of previous) {
        if (!listed.has(workspaceName)) listed.set(workspaceName, workspace);
      }
    }
    return { known, keptClusters };
  }

  private async onEvent({ eventPayload }: EventParams) {
    if (!isWorkspaceChangeEvent(eventPayload)) {
      this.options.logger.warn(
        `Ignored a malformed event on topic '${WORKSPACES_EVENT_TOPIC}': ${JSON.stringify(
          eventPayload,
        )?.slice(0, 200)}`,
      );
      return;
    }
    await this.applyChange(eventPayload);
  }

  private async applyChange(change: WorkspaceChangeEvent) {
    const connection = this.connection;
    if (!connection) return;
    this.pending?.push(change);
    await this.enqueue(async () => {
      const entity = workspaceToEntity(change.workspace);
      const locationKey = locationOf(change.workspace.cluster);
      await connection.applyMutation(
        change.type === 'deleted'
          ? {
              type: 'delta',
              added: [],
              removed: [{ entityRef: stringifyEntityRef(entity), locationKey }],
            }
          : { type: 'delta', added: [{ entity, locationKey }], removed: [] },
      );
      apply(this.known, change);
    });
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    // A failed mutation must not block the ones after it.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async token() {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'workspaces',
    });
    return token;
  }
}

function apply(
  known: Map<string, Map<string, Workspace>>,
  { type, workspace }: WorkspaceChangeEvent,
) {
  if (type === 'deleted') {
    known.get(workspace.cluster)?.delete(workspace.name);
    return;
  }
  let cluster = known.get(workspace.cluster);
  if (!cluster) {
    cluster = new Map();
    known.set(workspace.cluster, cluster);
  }
  cluster.set(workspace.name, workspace);
}
