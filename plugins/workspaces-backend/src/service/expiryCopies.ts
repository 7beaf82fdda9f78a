import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type { WorkspaceProvider } from '@desktop-mania/plugin-workspaces-node';

/** What of a desktop's record the copy needs. */
interface ExpiryRecord {
  name: string;
  cluster: string;
  state: string;
  expiresAt?: Date;
}

/**
 * Copies of desktops' expiries that providers keep beside the machine
 * (KubeVirt's `desktopmania.io/expires-at` VM annotation), for people who
 * read the cluster. The backend's record is what housekeeping enforces, so
 * an extension stands when its copy fails: failing the request after the
 * record moved would say it did not happen while it did, and moving the
 * record back could undo another extension. The desktop waits in `untold`
 * instead, and {@link ExpiryCopies.retell} copies the record's expiry again
 * on the next reconcile pass. Built by WorkspaceActions over the service's
 * store and providers.
 */
export class ExpiryCopies {
  /** Desktops whose provider has not taken their latest expiry yet. */
  private readonly untold = new Set<string>();
  /** Whether this process has copied every desktop's expiry once. */
  private toldAll = false;

  constructor(
    private readonly options: {
      get(name: string): Promise<ExpiryRecord | undefined>;
      list(): Promise<ExpiryRecord[]>;
      providerFor(cluster: string): WorkspaceProvider;
      logger: LoggerService;
    },
  ) {}

  /** Copies the record's expiry; false when its cluster did not take it. */
  async tell(record: ExpiryRecord): Promise<boolean> {
    const { name, cluster, expiresAt } = record;
    try {
      const provider = this.options.providerFor(cluster);
      if (provider.setExpiry && expiresAt) {
        await provider.setExpiry({ name, cluster }, expiresAt.toISOString());
        // An extension elsewhere may have copied its later expiry first.
        const now = await this.options.get(name);
        if (now?.expiresAt && now.expiresAt.getTime() !== expiresAt.getTime()) {
          this.untold.add(name);
          return true;
        }
      }
      this.untold.delete(name);
      return true;
    } catch (error) {
      assertError(error);
      // No machine, no copy to keep; the reconciler settles a missing one.
      if (error.name === 'NotFoundError') {
        this.untold.delete(name);
        return true;
      }
      if (!this.untold.has(name)) {
        this.options.logger.warn(
          `Desktop ${name} now expires ${expiresAt?.toISOString()}, but cluster ${cluster} could not record it; retrying on the next reconcile pass: ${
            error.message
          }`,
        );
      }
      this.untold.add(name);
      return false;
    }
  }

  /**
   * Copies the expiries providers missed, as the records say now. A process
   * cannot know which copies an earlier one left stale, so its first pass
   * copies every active desktop's. After one failure on a cluster its other
   * desktops wait for the next pass rather than a timeout each.
   */
  async retell(): Promise<void> {
    const { get, list, logger } = this.options;
    let records: Array<ExpiryRecord | undefined>;
    try {
      records = this.toldAll
        ? await Promise.all([...this.untold].map(name => get(name)))
        : await list();
    } catch (error) {
      logger.warn(`Could not read desktops' expiries to copy: ${error}`);
      return;
    }
    this.toldAll = true;
    for (const name of this.untold) {
      if (!records.some(r => r?.name === name)) this.untold.delete(name);
    }
    const down = new Set<string>();
    for (const record of records) {
      if (!record) continue;
      if (record.state !== 'active' || !record.expiresAt) {
        this.untold.delete(record.name);
      } else if (down.has(record.cluster)) {
        this.untold.add(record.name);
      } else if (!(await this.tell(record))) {
        down.add(record.cluster);
      }
    }
  }
}
