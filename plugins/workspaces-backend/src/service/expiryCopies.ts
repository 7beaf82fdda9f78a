import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type {
  ProviderWorkspace,
  WorkspaceProvider,
} from '@desktop-mania/plugin-workspaces-node';

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
  /**
   * Clusters whose copies this process has still to compare with the
   * records; undefined until the first pass has named them.
   */
  private unchecked?: Set<string>;
  /** Clusters whose listing failed, warned about once until it answers. */
  private readonly unlisted = new Set<string>();

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
   * cannot know which copies an earlier one left stale, so it lists each
   * cluster once and copies only where the provider's copy differs from the
   * record: a rollout costs a listing per cluster, not a patch per desktop.
   * Later passes copy only what this process failed to copy. After one
   * failure on a cluster its other desktops wait for the next pass rather
   * than a timeout each.
   */
  async retell(): Promise<void> {
    const { get, list, logger } = this.options;
    if (this.unchecked?.size === 0 && this.untold.size === 0) return;
    let records: Array<ExpiryRecord | undefined>;
    try {
      records =
        this.unchecked?.size === 0
          ? await Promise.all([...this.untold].map(name => get(name)))
          : await list();
    } catch (error) {
      logger.warn(`Could not read desktops' expiries to copy: ${error}`);
      return;
    }
    const active = records.filter(
      (r): r is ExpiryRecord & { expiresAt: Date } =>
        !!r && r.state === 'active' && !!r.expiresAt,
    );
    for (const name of this.untold) {
      if (!active.some(r => r.name === name)) this.untold.delete(name);
    }
    this.unchecked ??= new Set(active.map(r => r.cluster));
    const drifted = new Set<string>();
    const down = new Set<string>();
    for (const cluster of [...this.unchecked]) {
      if (!(await this.compare(cluster, active, drifted))) down.add(cluster);
    }
    for (const record of active) {
      if (!this.untold.has(record.name) && !drifted.has(record.name)) continue;
      if (down.has(record.cluster)) {
        this.untold.add(record.name);
      } else if (!(await this.tell(record))) {
        down.add(record.cluster);
      }
    }
  }

  /**
   * Adds the cluster's desktops whose copy differs from their record to
   * `drifted`; false when the cluster could not be listed. A machine without
   * a copy differs only where the provider keeps copies at all.
   */
  private async compare(
    cluster: string,
    records: Array<ExpiryRecord & { expiresAt: Date }>,
    drifted: Set<string>,
  ): Promise<boolean> {
    let machines: ProviderWorkspace[];
    try {
      const provider = this.options.providerFor(cluster);
      machines = provider.setExpiry ? await provider.list(cluster) : [];
    } catch (error) {
      assertError(error);
      if (!this.unlisted.has(cluster)) {
        this.options.logger.warn(
          `Could not list cluster ${cluster} to compare desktops' expiries; retrying on the next reconcile pass: ${error.message}`,
        );
      }
      this.unlisted.add(cluster);
      return false;
    }
    this.unlisted.delete(cluster);
    this.unchecked?.delete(cluster);
    // A record without a machine has no copy; the reconciler settles it.
    const copies = new Map(machines.map(m => [m.name, m.expiresAt]));
    for (const { name, expiresAt, ...record } of records) {
      if (record.cluster !== cluster || !copies.has(name)) continue;
      const copy = copies.get(name);
      if (copy === undefined || Date.parse(copy) !== expiresAt.getTime()) {
        drifted.add(name);
      }
    }
    return true;
  }
}
