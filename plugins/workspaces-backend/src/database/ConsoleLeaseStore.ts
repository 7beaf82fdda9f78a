import {
  CONSOLE_CLOSE_CODES,
  type ConsolePresence,
} from '@desktop-mania/plugin-workspaces-common';
import type { Knex } from 'knex';

/** Thrown inside the reservation to roll back its insert. */
class LimitReached extends Error {
  constructor(readonly held: number) {
    super('limit reached');
  }
}

/** A seat revoked by a takeover or a share's end, as the replica relaying it learns it. */
export interface RevokedLease {
  id: number;
  reason: string;
  /** The close code; takeovers close as in use. */
  code: number;
}

/** How a session was let in: by control or view, and by which share if any. */
export interface LeaseAccess {
  mode: 'control' | 'view';
  share?: { grantee: string; expiresAt: Date };
}

/**
 * Console seats as leases on the rows of `console_sessions`, shared by every
 * portal replica on one database. A seat counts while its lease is in the
 * future, so the seats of a replica that died free themselves without anyone
 * having to notice the death.
 */
export class ConsoleLeaseStore {
  constructor(
    private readonly db: Knex,
    private readonly leaseMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Starts a session holding one of the actor's seats, or answers how many
   * they hold. The insert comes before the count, as in
   * the desktop quota's reserve: on SQLite it takes the one write lock first; on
   * PostgreSQL the actor's reservations also queue on an advisory lock held
   * until commit, since READ COMMITTED would let two inserts each count
   * without the other.
   */
  async reserve(options: {
    workspace: string;
    actor: string;
    holder: string;
    max: number;
    access?: LeaseAccess;
  }): Promise<{ ok: true; id: number } | { ok: false; held: number }> {
    const actor = options.actor.toLocaleLowerCase('en-US');
    const now = this.now();
    try {
      return await this.db.transaction(async tx => {
        if (tx.client.config.client === 'pg') {
          await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [
            `workspaces.console:${actor}`,
          ]);
        }
        const [row] = await tx('console_sessions')
          .insert({
            workspace: options.workspace,
            actor: options.actor,
            started_at: now,
            holder: options.holder,
            lease_expires_at: new Date(now.getTime() + this.leaseMs),
            mode: options.access?.mode ?? 'control',
            share_grantee:
              options.access?.share?.grantee.toLocaleLowerCase('en-US') ?? null,
            share_expires_at: options.access?.share?.expiresAt ?? null,
          })
          .returning('id');
        const id = Number(typeof row === 'object' ? row.id : row);
        const [{ count }] = await tx('console_sessions')
          .whereRaw('lower(actor) = ?', [actor])
          .where('lease_expires_at', '>', now)
          .count<{ count: string | number }[]>({ count: '*' });
        const held = Number(count) - 1;
        if (held >= options.max) throw new LimitReached(held);
        return { ok: true as const, id };
      });
    } catch (error) {
      if (error instanceof LimitReached) return { ok: false, held: error.held };
      throw error;
    }
  }

  /**
   * Extends the leases of the sessions a replica still relays. Answers the
   * ids it no longer holds, ended or revoked elsewhere, so they close.
   */
  async renew(holder: string, ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const now = this.now();
    // A session a share let in ends with the share.
    await this.db('console_sessions')
      .whereIn('id', ids)
      .where('share_expires_at', '<=', now)
      .whereNull('revoked_at')
      .update({
        revoked_at: now,
        revoked_reason: 'Your share of this desktop ended',
        revoked_code: CONSOLE_CLOSE_CODES.forbidden,
        lease_expires_at: null,
      });
    await this.db('console_sessions')
      .whereIn('id', ids)
      .where({ holder })
      // An expired seat may already be someone else's: it is not revived.
      .where('lease_expires_at', '>', now)
      .whereNull('revoked_at')
      .update({ lease_expires_at: new Date(now.getTime() + this.leaseMs) });
    const held = await this.db('console_sessions')
      .whereIn('id', ids)
      .where('lease_expires_at', '>', now)
      .whereNull('revoked_at')
      .select('id');
    const alive = new Set(held.map(r => Number(r.id)));
    return ids.filter(id => !alive.has(id));
  }

  /** Frees a seat now instead of when its lease runs out. */
  async release(id: number) {
    await this.db('console_sessions')
      .where({ id })
      .update({ lease_expires_at: null });
  }

  /**
   * Revokes every other live session on a desktop, wherever it is relayed;
   * their seats free at once. Returns how many it revoked.
   */
  async revokeOthers(
    workspace: string,
    except: number,
    reason: string,
  ): Promise<number> {
    return await this.db('console_sessions')
      .where({ workspace })
      .whereNot({ id: except })
      .where('lease_expires_at', '>', this.now())
      .whereNull('revoked_at')
      .update({
        revoked_at: this.now(),
        revoked_reason: reason.slice(0, 255),
        lease_expires_at: null,
      });
  }

  /**
   * Revokes the live sessions a grantee's share let in on a desktop (only
   * those in `modes`, if given), wherever they are relayed; they close with
   * `code`. Returns how many it revoked.
   */
  async revokeShare(options: {
    workspace: string;
    grantee: string;
    reason: string;
    code: number;
    modes?: Array<'control' | 'view'>;
  }): Promise<number> {
    const query = this.db('console_sessions')
      .where({
        workspace: options.workspace,
        share_grantee: options.grantee.toLocaleLowerCase('en-US'),
      })
      .where('lease_expires_at', '>', this.now())
      .whereNull('revoked_at');
    if (options.modes) query.whereIn('mode', options.modes);
    return await query.update({
      revoked_at: this.now(),
      revoked_reason: options.reason.slice(0, 255),
      revoked_code: options.code,
      lease_expires_at: null,
    });
  }

  /** Moves when the live sessions a grantee's share let in must end. */
  async setShareExpiry(workspace: string, grantee: string, expiresAt: Date) {
    await this.db('console_sessions')
      .where({ workspace, share_grantee: grantee.toLocaleLowerCase('en-US') })
      .where('lease_expires_at', '>', this.now())
      .update({ share_expires_at: expiresAt });
  }

  /** The revoked sessions among a replica's, with why. */
  async revokedOf(holder: string, ids: number[]): Promise<RevokedLease[]> {
    if (ids.length === 0) return [];
    const rows = await this.db('console_sessions')
      .whereIn('id', ids)
      .where({ holder })
      .whereNotNull('revoked_at')
      .select('id', 'revoked_reason', 'revoked_code');
    return rows.map(r => ({
      id: Number(r.id),
      reason: r.revoked_reason ?? 'Another session took over the console',
      code:
        r.revoked_code === null || r.revoked_code === undefined
          ? CONSOLE_CLOSE_CODES.inUse
          : Number(r.revoked_code),
    }));
  }

  /**
   * Who is connected to each of these desktops across every replica, and
   * how; one entry per person and mode however many sessions they hold.
   */
  async presenceOf(
    workspaces: string[],
  ): Promise<Map<string, ConsolePresence[]>> {
    const present = new Map<string, ConsolePresence[]>();
    if (workspaces.length === 0) return present;
    const rows = await this.db('console_sessions')
      .whereIn('workspace', workspaces)
      .where('lease_expires_at', '>', this.now())
      .orderBy('id')
      .select('workspace', 'actor', 'mode');
    for (const row of rows) {
      const list = present.get(row.workspace) ?? [];
      const mode = row.mode === 'view' ? 'view' : 'control';
      if (!list.some(p => p.user === row.actor && p.mode === mode)) {
        list.push({ user: row.actor, mode });
      }
      present.set(row.workspace, list);
    }
    return present;
  }

  /** Live sessions on each of these desktops, across every replica. */
  async viewersOf(workspaces: string[]): Promise<Map<string, number>> {
    if (workspaces.length === 0) return new Map();
    const rows = await this.db('console_sessions')
      .whereIn('workspace', workspaces)
      .where('lease_expires_at', '>', this.now())
      .groupBy('workspace')
      .select('workspace')
      .count<{ workspace: string; count: string | number }[]>({ count: '*' });
    return new Map(rows.map(r => [r.workspace, Number(r.count)]));
  }
}
