import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { WorkspaceShare } from '@desktop-mania/plugin-workspaces-common';
import { utcMinute } from './extendExpiry';

/** The kinds of notification the suite sends, each once per moment. */
export type WorkspaceNotificationKind =
  | 'expiry-24h'
  | 'expiry-1h'
  | 'idle-stop'
  | 'start-failed';

/**
 * The desktop's page in the portal, where its Extend menu is. Workspace
 * entities live in the default namespace (catalog-backend-module-workspaces).
 */
export function workspacePageLink(name: string) {
  return `/catalog/default/workspace/${encodeURIComponent(name)}`;
}

/**
 * To the owner: a person, or a group, which the notifications backend
 * resolves to its members (and those of its child groups) in the catalog.
 */
function toOwner(owner: string): NotificationSendOptions['recipients'] {
  return { type: 'entity', entityRef: owner };
}

export function expiryNotification(
  desktop: { name: string; owner: string; expiresAt: Date },
  within: '24h' | '1h',
): NotificationSendOptions {
  const when = within === '24h' ? 'in 24 hours' : 'in 1 hour';
  return {
    recipients: toOwner(desktop.owner),
    payload: {
      title: `Desktop ${desktop.name} expires ${when}`,
      description: `Its lifetime ends ${utcMinute(
        desktop.expiresAt,
      )}. Open it and choose Extend to keep it longer, up to the longest lifetime.`,
      link: workspacePageLink(desktop.name),
      severity: within === '24h' ? 'normal' : 'high',
      topic: 'Desktop expiry',
      // The 1-hour warning replaces the 24-hour one in the list.
      scope: `workspaces:${desktop.name}:expiry`,
    },
  };
}

export function idleStopNotification(desktop: {
  name: string;
  owner: string;
  lastActivityAt: Date;
}): NotificationSendOptions {
  return {
    recipients: toOwner(desktop.owner),
    payload: {
      title: `Desktop ${desktop.name} was stopped: idle`,
      description: `Nobody used it since ${utcMinute(
        desktop.lastActivityAt,
      )}. Its disk is kept; start it again from its page.`,
      link: workspacePageLink(desktop.name),
      severity: 'normal',
      topic: 'Desktop stopped',
      scope: `workspaces:${desktop.name}:stopped`,
    },
  };
}

export function startFailedNotification(
  desktop: { name: string; owner: string },
  reason: string,
): NotificationSendOptions {
  return {
    recipients: toOwner(desktop.owner),
    payload: {
      title: `Desktop ${desktop.name} failed to start`,
      description: reason,
      link: workspacePageLink(desktop.name),
      severity: 'high',
      topic: 'Desktop failed',
      scope: `workspaces:${desktop.name}:failed`,
    },
  };
}

/**
 * To the grantee, a person or a group's members: what they may do and until
 * when, linking to the desktop's page, whose Desktop tab opens it. A change
 * of the share replaces the earlier notice in their list.
 */
export function shareGrantedNotification(
  share: WorkspaceShare,
  owner: string,
): NotificationSendOptions {
  const may =
    share.mode === 'view' ? 'watch its screen' : 'use it (keyboard and mouse)';
  return {
    recipients: { type: 'entity', entityRef: share.grantee },
    payload: {
      title: `Desktop ${share.workspace} was shared with you`,
      description: `${share.grantedBy} lets you ${may} until ${utcMinute(
        new Date(share.expiresAt),
      )}. Its owner is ${owner}.`,
      link: workspacePageLink(share.workspace),
      severity: 'normal',
      topic: 'Desktop shared',
      scope: `workspaces:${share.workspace}:share:${share.grantee}`,
    },
  };
}
