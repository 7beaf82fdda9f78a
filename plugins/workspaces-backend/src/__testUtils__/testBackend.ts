import {
  coreServices,
  createServiceFactory,
  BackstageCredentials,
  PermissionsService,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  DefaultEventsService,
  eventsServiceRef,
  EventParams,
} from '@backstage/plugin-events-node';
import {
  notificationService,
  type NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  workspaceConnectPermission,
  workspaceCreatePermission,
  workspaceReadPermission,
  workspaceViewPermission,
} from '@desktop-mania/plugin-workspaces-common';
import {
  WORKSPACES_EVENT_TOPIC,
  type WorkspaceProvider,
} from '@desktop-mania/plugin-workspaces-node';
import { providerModule } from '@desktop-mania/plugin-workspaces-node/testUtils';
import type { Knex } from 'knex';
import { workspacesPlugin } from '../plugin';
import {
  createWorkspaceConditionalDecision,
  workspaceConditions,
} from '../permissions/rules';

/** Who belongs to which groups in the test organisation. */
export const DIRECTORY: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-a'],
  'user:default/bob': [],
  'user:default/admin': ['group:default/admins'],
};

function claimsOf(credentials: BackstageCredentials): string[] | undefined {
  const p = credentials.principal as { type: string; userEntityRef?: string };
  if (p.type !== 'user') return undefined;
  return [p.userEntityRef!, ...(DIRECTORY[p.userEntityRef!] ?? [])];
}

// The same decisions the portal's policy makes: admins everything, people
// their own and their groups' desktops, grantees of a share read and watch
// it, control grantees connect too, services (other plugins) everything.
function decide(
  permission: any,
  credentials: BackstageCredentials,
): PolicyDecision {
  const claims = claimsOf(credentials);
  if (
    credentials.principal &&
    (credentials.principal as any).type === 'service'
  ) {
    return { result: AuthorizeResult.ALLOW };
  }
  if (!claims) return { result: AuthorizeResult.DENY };
  if (claims.includes('group:default/admins'))
    return { result: AuthorizeResult.ALLOW };
  if (isPermission(permission, workspaceCreatePermission))
    return { result: AuthorizeResult.ALLOW };
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

const testPermissions: PermissionsService = {
  async authorize(requests, { credentials }) {
    return requests.map(r => {
      const d = decide(r.permission, credentials);
      return {
        result:
          d.result === AuthorizeResult.ALLOW
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    }) as any;
  },
  async authorizeConditional(requests, { credentials }) {
    return requests.map(r => decide(r.permission, credentials)) as any;
  },
};

export const WORKSPACES_TEST_CONFIG = {
  app: { baseUrl: 'http://localhost:3000' },
  workspaces: {
    defaultCluster: 'test',
    images: [
      {
        name: 'ubuntu-desktop',
        title: 'Ubuntu',
        os: 'linux',
        dataSource: { name: 'ubuntu', namespace: 'images' },
        preference: 'ubuntu',
      },
      {
        name: 'windows-11',
        title: 'Windows 11',
        os: 'windows',
        preference: 'windows.11.virtio',
      },
    ],
    sizes: [
      {
        name: 'small',
        title: 'Small',
        instancetype: 'u1.medium',
        geometry: '1024x768',
      },
      { name: 'large', title: 'Large', instancetype: 'u1.large' },
    ],
    limits: {
      diskGi: { min: 20, max: 100, default: 30 },
      lifetimeHours: { min: 1, max: 48, default: 8 },
      maxPerOwner: 2,
    },
    console: { maxSessionsPerUser: 2, idleTimeout: { minutes: 5 } },
  },
};

/**
 * The workspaces plugin with the given providers, the test organisation's
 * permissions and an events service that keeps what was published. Usable
 * outside Jest too (the fault suite runs it in a process of its own).
 */
export async function startWorkspacesTestBackend(options: {
  knex?: Knex;
  providers: WorkspaceProvider[];
  config?: object;
  /** More features or service factories, e.g. a logger that prints. */
  features?: BackendFeature[];
  onPublished?(event: EventParams): void;
  /** Receives what the plugin sends, in place of the notifications backend. */
  notifications?: NotificationService;
}) {
  const events = DefaultEventsService.create({
    logger: mockServices.rootLogger(),
  });
  const published: EventParams[] = [];
  await events.subscribe({
    id: 'test',
    topics: [WORKSPACES_EVENT_TOPIC],
    onEvent: async e => {
      published.push(e);
      options.onPublished?.(e);
    },
  });
  const backend = await startTestBackend({
    features: [
      workspacesPlugin,
      providerModule('test-providers', ...options.providers),
      mockServices.rootConfig.factory({
        data: options.config ?? WORKSPACES_TEST_CONFIG,
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => testPermissions,
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
        factory: () => events,
      }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options.notifications
        ? [
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () => options.notifications!,
            }),
          ]
        : []),
      ...(options.features ?? []),
    ],
  });
  return Object.assign(backend, { published });
}
