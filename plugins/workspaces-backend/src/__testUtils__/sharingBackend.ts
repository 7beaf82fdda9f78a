import {
  coreServices,
  createServiceFactory,
  type BackstageCredentials,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  notificationService,
  type NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  workspaceConnectPermission,
  workspaceCreatePermission,
  workspaceReadPermission,
  workspaceViewPermission,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceProvider } from '@desktop-mania/plugin-workspaces-node';
import { providerModule } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { workspacesPlugin } from '../plugin';
import {
  createWorkspaceConditionalDecision,
  workspaceConditions,
} from '../permissions/rules';
import { DIRECTORY, WORKSPACES_TEST_CONFIG } from './testBackend';

function claimsOf(credentials: BackstageCredentials): string[] | undefined {
  const p = credentials.principal as { type: string; userEntityRef?: string };
  if (p.type !== 'user') return undefined;
  return [p.userEntityRef!, ...(DIRECTORY[p.userEntityRef!] ?? [])];
}

// The portal policy's decisions on shared desktops: owners everything,
// grantees read and watch, control grantees connect, admins everything.
function decide(permission: any, credentials: BackstageCredentials) {
  const claims = claimsOf(credentials);
  if (!claims) return { result: AuthorizeResult.DENY } as PolicyDecision;
  if (
    claims.includes('group:default/admins') ||
    isPermission(permission, workspaceCreatePermission)
  ) {
    return { result: AuthorizeResult.ALLOW } as PolicyDecision;
  }
  const owner = workspaceConditions.isWorkspaceOwner({ claims });
  let modes: Array<'view' | 'control'> | undefined;
  if (
    isPermission(permission, workspaceReadPermission) ||
    isPermission(permission, workspaceViewPermission)
  ) {
    modes = ['view', 'control'];
  } else if (isPermission(permission, workspaceConnectPermission)) {
    modes = ['control'];
  }
  return createWorkspaceConditionalDecision(
    permission,
    modes
      ? { anyOf: [owner, workspaceConditions.isSharedWith({ claims, modes })] }
      : owner,
  );
}

const permissions: PermissionsService = {
  async authorize(requests, { credentials }) {
    return requests.map(r => ({
      result:
        decide(r.permission, credentials).result === AuthorizeResult.ALLOW
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })) as any;
  },
  async authorizeConditional(requests, { credentials }) {
    return requests.map(r => decide(r.permission, credentials)) as any;
  },
};

/** The workspaces plugin under a policy that honours shares. */
export async function startSharingTestBackend(options: {
  providers: WorkspaceProvider[];
  config?: object;
  /** Receives what the plugin sends, in place of the notifications backend. */
  notifications?: NotificationService;
}) {
  return startTestBackend({
    features: [
      workspacesPlugin,
      providerModule('test-providers', ...options.providers),
      mockServices.rootConfig.factory({
        data: options.config ?? WORKSPACES_TEST_CONFIG,
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => permissions,
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials: BackstageCredentials) {
            const claims = claimsOf(credentials);
            if (!claims) throw new Error('not a user');
            return { userEntityRef: claims[0], ownershipEntityRefs: claims };
          },
        }),
      }),
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () =>
          DefaultEventsService.create({ logger: mockServices.rootLogger() }),
      }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      ...(options.notifications
        ? [
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () => options.notifications!,
            }),
          ]
        : []),
    ],
  });
}
