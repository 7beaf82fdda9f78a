import type { Knex } from 'knex';

/**
 * What housekeeping did for a moment of a desktop: a notification sent
 * (`expiry-24h` for a given expiry, `idle-stop`, `start-failed`, ...) or a
 * scheduled start or stop. Claiming a moment is one insert, so it happens
 * once however often housekeeping runs and on however many replicas.
 */
export class NotificationLedger {
  constructor(private readonly db: Knex) {}

  /** True for the one caller that records the moment first. */
  async claim(workspace: string, kind: string, moment: string, at: Date) {
    // DO NOTHING rather than a caught unique violation: most runs find the
    // moment claimed, and PostgreSQL would log each violation as an error.
    const inserted = await this.db('workspace_ledger')
      .insert({ workspace, kind, moment, done_at: at })
      .onConflict(['workspace', 'kind', 'moment'])
      .ignore()
      .returning('kind');
    return inserted.length > 0;
  }

  /** Gives a moment back, e.g. when its notification could not be sent. */
  async release(workspace: string, kind: string, moment: string) {
    await this.db('workspace_ledger')
      .where({ workspace, kind, moment })
      .delete();
  }

  async has(workspace: string, kind: string, moment: string) {
    const row = await this.db('workspace_ledger')
      .where({ workspace, kind, moment })
      .first();
    return row !== undefined;
  }

  /**
   * Forgets desktops that no longer exist, so a new desktop of the same name
   * starts with a clean slate.
   */
  async removeOrphans() {
    await this.db('workspace_ledger')
      .whereNotIn('workspace', this.db('workspaces').select('name'))
      .delete();
  }
}
