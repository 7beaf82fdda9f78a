import { randomUUID } from 'crypto';
import { hostname } from 'os';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ConsolePresence } from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleLeaseStore,
  LeaseAccess,
} from '../database/ConsoleLeaseStore';

/** Closes a session the relay holds, with a close code and reason. */
type Closer = (code: number, reason: string) => void;

/**
 * The console seats this process holds, kept alive in the shared lease table.
 *
 * A takeover on another replica reaches the viewer here through that table,
 * not through the events service: the revocation is a column of the very row
 * that holds the seat, so it is written in the same statement that frees the
 * seat and cannot be lost between a publish and a subscriber. The heartbeat
 * that renews the leases already reads those rows every second, so noticing
 * a revocation costs no extra query path, needs no events backend (SQLite
 * development, tests) and leaves no per-replica subscriptions behind when a
 * pod goes away. The price is up to one heartbeat of delay, under the
 * second the Desktop tab needs to show that another session took over.
 */
export class SessionLeases {
  /** Names this process in the table; unique per start, not per pod. */
  readonly holder = `${hostname()}/${process.pid}/${randomUUID()}`;
  private readonly held = new Map<
    number,
    { workspace: string; close: Closer }
  >();
  /** Who is on the desktops held here, on every replica, as of the last beat. */
  private present = new Map<string, ConsolePresence[]>();
  /** Sessions on those desktops, counted as `present` was read. */
  private viewers = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private beating = false;

  constructor(
    private readonly options: {
      store: ConsoleLeaseStore;
      logger: LoggerService;
      heartbeatMs: number;
    },
  ) {}

  /**
   * Reserves a seat under the actor's limit, or says how many they hold.
   * `access` says how the session was let in, so revoking a share finds it.
   */
  reserve(workspace: string, actor: string, max: number, access?: LeaseAccess) {
    return this.options.store.reserve({
      workspace,
      actor,
      max,
      holder: this.holder,
      access,
    });
  }

  /** Starts renewing a reserved seat; `close` runs if it is lost or revoked. */
  track(id: number, workspace: string, close: Closer) {
    this.held.set(id, { workspace, close });
    if (!this.timer) {
      this.timer = setInterval(() => this.beat(), this.options.heartbeatMs);
      this.timer.unref();
    }
  }

  /** Frees a seat at once, so the next console need not wait for the lease. */
  async release(id: number) {
    this.held.delete(id);
    if (this.held.size === 0) this.stop();
    await this.options.store.release(id);
  }

  /** Revokes the desktop's other sessions, on whichever replica they are. */
  revokeOthers(workspace: string, except: number) {
    return this.options.store.revokeOthers(
      workspace,
      except,
      'Another session took over this console',
    );
  }

  /**
   * Console sessions on a desktop across the replicas, as the last beat
   * counted them; undefined before a beat has counted it. Pongs answer from
   * here, so the console's once-a-second ping costs no query of its own.
   */
  viewersOf(workspace: string): number | undefined {
    return this.viewers.get(workspace);
  }

  /** Who is connected to a desktop across the replicas, as of the last beat. */
  presentOf(workspace: string): ConsolePresence[] | undefined {
    return this.present.get(workspace);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One renewal of every seat held here; exported for tests. */
  async beat() {
    if (this.beating) return;
    this.beating = true;
    try {
      const { store } = this.options;
      const ids = [...this.held.keys()];
      const gone = await store.renew(this.holder, ids);
      const workspaces = [
        ...new Set([...this.held.values()].map(h => h.workspace)),
      ];
      [this.viewers, this.present] = await Promise.all([
        store.viewersOf(workspaces),
        store.presenceOf(workspaces),
      ]);
      if (gone.length === 0) return;
      const revoked = new Map(
        (await store.revokedOf(this.holder, gone)).map(r => [r.id, r]),
      );
      for (const id of gone) {
        const close = this.held.get(id)?.close;
        this.held.delete(id);
        const revocation = revoked.get(id);
        if (revocation) close?.(revocation.code, revocation.reason);
        // Renewals failed for longer than the lease: another console may
        // already hold the seat, so this one must not go on uncounted.
        else close?.(1012, 'The console lost its seat; open it again');
      }
      if (this.held.size === 0) this.stop();
    } catch (error) {
      // The lease outlives several missed beats; the next one retries.
      this.options.logger.warn(`Could not renew console leases: ${error}`);
    } finally {
      this.beating = false;
    }
  }
}
