import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type {
  Workspace,
  WorkspaceShare,
} from '@desktop-mania/plugin-workspaces-common';
import type { NotificationLedger } from '../database/NotificationLedger';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import {
  expiryNotification,
  idleStopNotification,
  shareGrantedNotification,
  startFailedNotification,
  type WorkspaceNotificationKind,
} from './workspaceNotifications';

const HOUR = 3600_000;

/**
 * Tells owners what housekeeping sees coming or did: expiry in a day and in
 * an hour, an idle stop, a failed start; and grantees that a desktop was
 * shared with them. Each goes out once per moment
 * (the expiry it warns of, the activity it stopped after), recorded in the
 * ledger before it is sent; a send that fails gives the moment back so the
 * next run tries again. A failure is logged, never thrown: notifications
 * must not keep housekeeping from its work.
 */
export class WorkspaceNotifier {
  constructor(
    private readonly options: {
      notifications: NotificationService;
      ledger: NotificationLedger;
      logger: LoggerService;
    },
  ) {}

  /** Expiry warnings and failures, as due at `now`. */
  async review(record: WorkspaceRecord, workspace: Workspace, now: Date) {
    const { expiresAt } = record;
    if (expiresAt && expiresAt > now) {
      const left = expiresAt.getTime() - now.getTime();
      // Only the nearer warning: a desktop ordered for less than an hour
      // gets the 1-hour one alone, never a 24-hour one after it.
      let within: '1h' | '24h' | undefined;
      if (left <= HOUR) within = '1h';
      else if (left <= 24 * HOUR) within = '24h';
      if (within) {
        await this.once(
          record.name,
          `expiry-${within}`,
          expiresAt.toISOString(),
          now,
          expiryNotification({ ...record, expiresAt }, within),
        );
      }
    }
    if (workspace.status.phase === 'Failed') {
      // A start touches the record, so its time tells one attempt from the next.
      await this.startFailed(
        record,
        workspace.status.message ?? 'The desktop reports no reason.',
        record.lastActivityAt.toISOString(),
        now,
      );
    }
  }

  async idleStopped(record: WorkspaceRecord, now: Date) {
    await this.once(
      record.name,
      'idle-stop',
      record.lastActivityAt.toISOString(),
      now,
      idleStopNotification(record),
    );
  }

  /** `moment` tells this failure from others: the attempt's time. */
  async startFailed(
    record: WorkspaceRecord,
    reason: string,
    moment: string,
    now: Date,
  ) {
    await this.once(
      record.name,
      'start-failed',
      moment,
      now,
      startFailedNotification(record, reason),
    );
  }

  /**
   * Sent at once: a person shared it just now, on one replica, so there is
   * no moment for housekeeping runs to agree on.
   */
  async shareGranted(share: WorkspaceShare, owner: string) {
    try {
      await this.options.notifications.send(
        shareGrantedNotification(share, owner),
      );
    } catch (error) {
      this.options.logger.warn(
        `Could not notify ${share.grantee} of a share of desktop ${share.workspace}: ${error}`,
      );
    }
  }

  private async once(
    workspace: string,
    kind: WorkspaceNotificationKind,
    moment: string,
    now: Date,
    notification: NotificationSendOptions,
  ) {
    const { ledger, notifications, logger } = this.options;
    try {
      if (!(await ledger.claim(workspace, kind, moment, now))) return;
      try {
        await notifications.send(notification);
      } catch (error) {
        await ledger.release(workspace, kind, moment);
        throw error;
      }
    } catch (error) {
      logger.warn(
        `Could not notify about desktop ${workspace} (${kind}): ${error}`,
      );
    }
  }
}
