import type {
  ShareMode,
  WorkspaceShare,
} from '@desktop-mania/plugin-workspaces-common';
import type { Knex } from 'knex';
import { toDate } from './rows';
import type { WorkspaceGrant, WorkspaceRecord } from './WorkspaceStore';

interface ShareRow {
  workspace: string;
  grantee: string;
  mode: string;
  expires_at: Date | string | number;
  granted_by: string;
  granted_at: Date | string | number;
}

function fromRow(row: ShareRow): WorkspaceShare {
  return {
    workspace: row.workspace,
    grantee: row.grantee,
    mode: row.mode as ShareMode,
    expiresAt: toDate(row.expires_at).toISOString(),
    grantedBy: row.granted_by,
    grantedAt: toDate(row.granted_at).toISOString(),
  };
}

/**
 * Shares of desktops with people and groups. Grantees are stored
 * lower-cased, as entity refs compare. A share that ended is never
 * answered; it stays until its desktop's shares are removed or it is
 * shared again, which is harmless.
 */
export class ShareStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Shares or re-shares; answers the share and the mode it had before, if live. */
  async put(
    share: Omit<WorkspaceShare, 'grantedAt' | 'expiresAt'> & {
      expiresAt: Date;
    },
  ): Promise<{ share: WorkspaceShare; previous?: WorkspaceShare }> {
    const grantee = share.grantee.toLocaleLowerCase('en-US');
    const now = this.now();
    return this.db.transaction(async tx => {
      const old = await tx<ShareRow>('workspace_shares')
        .where({ workspace: share.workspace, grantee })
        .where('expires_at', '>', now)
        .first();
      const row = {
        workspace: share.workspace,
        grantee,
        mode: share.mode,
        expires_at: share.expiresAt,
        granted_by: share.grantedBy,
        granted_at: now,
      };
      await tx('workspace_shares')
        .insert(row)
        .onConflict(['workspace', 'grantee'])
        .merge();
      return {
        share: fromRow(row),
        previous: old ? fromRow(old) : undefined,
      };
    });
  }

  /** Ends a share; false when there was no live one. */
  async remove(workspace: string, grantee: string): Promise<boolean> {
    const rows = await this.db('workspace_shares')
      .where({ workspace, grantee: grantee.toLocaleLowerCase('en-US') })
      .delete();
    return rows > 0;
  }

  /** Every share of a desktop, with it. */
  async removeAll(workspace: string) {
    await this.db('workspace_shares').where({ workspace }).delete();
  }

  /** A desktop's shares that have not ended, by grantee. */
  async list(workspace: string): Promise<WorkspaceShare[]> {
    const rows = await this.db<ShareRow>('workspace_shares')
      .where({ workspace })
      .where('expires_at', '>', this.now())
      .orderBy('grantee');
    return rows.map(fromRow);
  }

  /**
   * The grants the permission rules read on a record: live shares granted
   * since the desktop was made (not a deleted namesake's), by desktop.
   */
  async grantsOf(
    records: WorkspaceRecord[],
  ): Promise<Map<string, WorkspaceGrant[]>> {
    const grants = new Map<string, WorkspaceGrant[]>(
      records.map(r => [r.name, []]),
    );
    if (records.length === 0) return grants;
    const created = new Map(records.map(r => [r.name, r.createdAt.getTime()]));
    const rows = await this.db<ShareRow>('workspace_shares')
      .whereIn('workspace', [...created.keys()])
      .where('expires_at', '>', this.now());
    for (const row of rows) {
      if (toDate(row.granted_at).getTime() < created.get(row.workspace)!) {
        continue;
      }
      grants.get(row.workspace)!.push({
        grantee: row.grantee,
        mode: row.mode as ShareMode,
        expiresAt: toDate(row.expires_at),
      });
    }
    return grants;
  }

  /** Live shares with any of these claims, across desktops. */
  async sharedWith(claims: string[]): Promise<WorkspaceShare[]> {
    if (claims.length === 0) return [];
    const rows = await this.db<ShareRow>('workspace_shares')
      .whereIn(
        'grantee',
        claims.map(c => c.toLocaleLowerCase('en-US')),
      )
      .where('expires_at', '>', this.now())
      .orderBy(['workspace', 'grantee']);
    return rows.map(fromRow);
  }
}
