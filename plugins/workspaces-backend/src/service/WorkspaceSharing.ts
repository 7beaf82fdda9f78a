import type {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  CONSOLE_CLOSE_CODES,
  normalizeGrantee,
  parseShareRequest,
  workspaceLifecyclePermission,
  workspaceReadPermission,
  type ShareMode,
  type Workspace,
  type WorkspaceShare,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleLeaseStore,
  LeaseAccess,
} from '../database/ConsoleLeaseStore';
import type { ShareStore } from '../database/ShareStore';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import { utcMinute } from './extendExpiry';
import { claimsOf, consoleAccess, withAccessLevels } from './shareAccess';
import { actorOf, type WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import type { WorkspaceNotifier } from './WorkspaceNotifier';
import type { AuditEntry } from './WorkspaceService';

/** A desktop shared with the caller, with the share that lets them in. */
export type SharedWorkspace = Workspace & {
  share: { mode: ShareMode; expiresAt: string; grantedBy: string };
};

export const REVOKED_REASON = 'Your access to this desktop was revoked';

/**
 * Owners sharing their desktops, and what a share lets a grantee do (the
 * rules themselves are in shareAccess.ts). The permission framework
 * decides; this class gives its rules the grants to decide on, and makes a
 * revocation close the grantee's consoles through the console lease rows,
 * so every replica closes them within a heartbeat.
 */
export class WorkspaceSharing {
  constructor(
    private readonly options: {
      /** Reads a record; the service owns records and passes this in. */
      get(name: string): Promise<WorkspaceRecord | undefined>;
      /** Joins records with their providers' live status, as the service does. */
      withLiveStatus(records: WorkspaceRecord[]): Promise<Workspace[]>;
      shares: ShareStore;
      leases: ConsoleLeaseStore;
      authorizer: WorkspaceAuthorizer;
      userInfo: UserInfoService;
      auth: AuthService;
      audit(entry: AuditEntry): Promise<void>;
      /** Tells grantees; it logs its own failures and never throws. */
      notifier?: Pick<WorkspaceNotifier, 'shareGranted'>;
    },
  ) {}

  /** A record with its live grants, as permission rules must see it. */
  async load(name: string): Promise<WorkspaceRecord | undefined> {
    const record = await this.options.get(name);
    if (!record) return undefined;
    const grants = await this.options.shares.grantsOf([record]);
    return { ...record, grants: grants.get(name) };
  }

  /** The desktop's live shares, for those who may manage it. */
  async list(credentials: BackstageCredentials, name: string) {
    await this.authorizeManage(credentials, name);
    return { items: await this.options.shares.list(name) };
  }

  /** Shares a desktop or changes a share, audited as `share`. */
  async put(
    credentials: BackstageCredentials,
    name: string,
    granteeParam: string,
    body: unknown,
  ): Promise<WorkspaceShare> {
    const record = await this.authorizeManage(credentials, name);
    const grantee = parseGrantee(granteeParam);
    const request = parseShareRequest(body);
    if (grantee === record.owner.toLocaleLowerCase('en-US')) {
      throw new InputError(`grantee: '${grantee}' owns this desktop already`);
    }
    const { shares, leases } = this.options;
    const expiresAt = new Date(request.expiresAt);
    const { share, previous } = await shares.put({
      workspace: name,
      grantee,
      mode: request.mode,
      expiresAt,
      grantedBy: actorOf(credentials),
    });
    // Sessions the share let in follow it: they end when it now ends, and
    // control sessions close when it becomes view-only.
    await leases.setShareExpiry(name, grantee, expiresAt);
    if (request.mode === 'view') {
      await leases.revokeShare({
        workspace: name,
        grantee,
        reason: 'Your access to this desktop is now view-only; connect again',
        code: CONSOLE_CLOSE_CODES.forbidden,
        modes: ['control'],
      });
    }
    const verb = request.mode === 'view' ? 'watch' : 'control';
    await this.options.audit({
      workspace: name,
      actor: actorOf(credentials),
      action: 'share',
      outcome: 'succeeded',
      message: `${grantee} may ${verb} it until ${utcMinute(expiresAt)}${
        previous ? ` (was ${previous.mode})` : ''
      }`,
    });
    await this.options.notifier?.shareGranted(share, record.owner);
    return share;
  }

  /** Ends a share and closes the consoles it let in, audited as `unshare`. */
  async remove(
    credentials: BackstageCredentials,
    name: string,
    granteeParam: string,
  ): Promise<void> {
    await this.authorizeManage(credentials, name);
    const grantee = parseGrantee(granteeParam);
    const removed = await this.options.shares.remove(name, grantee);
    const closed = await this.options.leases.revokeShare({
      workspace: name,
      grantee,
      reason: REVOKED_REASON,
      code: CONSOLE_CLOSE_CODES.forbidden,
    });
    if (!removed && closed === 0) return;
    await this.options.audit({
      workspace: name,
      actor: actorOf(credentials),
      action: 'unshare',
      outcome: 'succeeded',
      message: `${grantee} no longer has access; ${closed} open console${
        closed === 1 ? '' : 's'
      } closed`,
    });
  }

  /** Desktops shared with the caller or their groups, with the best share. */
  async sharedWithMe(
    credentials: BackstageCredentials,
  ): Promise<{ items: SharedWorkspace[] }> {
    const claims = await claimsOf(this.options, credentials);
    const best = new Map<string, WorkspaceShare>();
    for (const share of await this.options.shares.sharedWith(claims)) {
      const held = best.get(share.workspace);
      if (!held || rank(share) > rank(held)) best.set(share.workspace, share);
    }
    const records: WorkspaceRecord[] = [];
    const may =
      best.size > 0 &&
      (await this.options.authorizer.judge(
        [workspaceReadPermission],
        credentials,
      ));
    for (const name of best.keys()) {
      const record = await this.load(name);
      // Shares of a deleted namesake, or a policy that says no, show nothing.
      if (
        may &&
        record?.state === 'active' &&
        record.grants?.length &&
        may(workspaceReadPermission, record)
      ) {
        records.push(record);
      }
    }
    const workspaces = await this.withAccess(
      credentials,
      records,
      await this.options.withLiveStatus(records),
    );
    return {
      items: workspaces.map(workspace => {
        const { mode, expiresAt, grantedBy } = best.get(workspace.name)!;
        return { ...workspace, share: { mode, expiresAt, grantedBy } };
      }),
    };
  }

  /** What the caller may do with each desktop, as `access`. */
  withAccess(
    credentials: BackstageCredentials,
    records: WorkspaceRecord[],
    workspaces: Workspace[],
  ): Promise<Workspace[]> {
    return withAccessLevels(this.options, credentials, records, workspaces);
  }

  /** How a console may open: control or view-only, and through which share. */
  admitConsole(
    credentials: BackstageCredentials,
    name: string,
  ): Promise<{ record: WorkspaceRecord; access: LeaseAccess }> {
    return consoleAccess(this.options, credentials, name);
  }

  /** A desktop's shares go with it. */
  async deleteWith(record: WorkspaceRecord) {
    await this.options.shares.removeAll(record.name);
  }

  private async authorizeManage(
    credentials: BackstageCredentials,
    name: string,
  ) {
    try {
      return await this.options.authorizer.authorizeRecord(
        name,
        workspaceLifecyclePermission,
        credentials,
      );
    } catch (error) {
      if (!(error instanceof NotAllowedError)) throw error;
      throw new NotAllowedError(
        `Only those who manage the desktop '${name}' may share it`,
      );
    }
  }
}

function parseGrantee(param: string): string {
  const grantee = normalizeGrantee(param);
  if (!grantee) {
    throw new InputError(
      `grantee: expected a user or group entity ref such as user:default/jane, got '${param.slice(
        0,
        100,
      )}'`,
    );
  }
  return grantee;
}

// Control beats view; of equals, the one that lasts longer.
function rank(share: WorkspaceShare) {
  return (
    (share.mode === 'control' ? 1e15 : 0) + new Date(share.expiresAt).getTime()
  );
}
