import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  workspaceConnectPermission,
  workspaceCreatePermission,
  workspaceDeletePermission,
  workspaceLifecyclePermission,
  workspaceReadPermission,
} from '@desktop-mania/plugin-workspaces-common';
import {
  createWorkspaceConditionalDecision,
  workspaceConditions,
} from '@desktop-mania/plugin-workspaces-backend';
import { clusterHealthReadPermission } from '@desktop-mania/plugin-cluster-health-common';

const OWNER_SCOPED = [
  workspaceReadPermission,
  workspaceConnectPermission,
  workspaceLifecyclePermission,
  workspaceDeletePermission,
];

/**
 * The portal's policy. Admins may do everything; everyone else reaches only
 * the desktops they or their groups own, and only platform owners read
 * cluster health. Permissions of other plugins stay open to signed-in people,
 * as a stock Backstage portal has them.
 */
export class DesktopManiaPermissionPolicy implements PermissionPolicy {
  private readonly admins: string[];
  private readonly platformOwners: string[];

  static fromConfig(config: Config) {
    const c = config.getOptionalConfig('desktopMania.permissions');
    return new DesktopManiaPermissionPolicy({
      admins: c?.getOptionalStringArray('admins') ?? [],
      platformOwners: c?.getOptionalStringArray('platformOwners') ?? [],
    });
  }

  constructor(options: { admins: string[]; platformOwners: string[] }) {
    const norm = (refs: string[]) =>
      refs.map(r => r.toLocaleLowerCase('en-US'));
    this.admins = norm(options.admins);
    this.platformOwners = norm(options.platformOwners);
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const claims = (user?.info.ownershipEntityRefs ?? []).map(r =>
      r.toLocaleLowerCase('en-US'),
    );
    const isAdmin = claims.some(c => this.admins.includes(c));

    if (isPermission(request.permission, clusterHealthReadPermission)) {
      return {
        result:
          isAdmin || claims.some(c => this.platformOwners.includes(c))
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    }
    if (isPermission(request.permission, workspaceCreatePermission)) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    const scoped = OWNER_SCOPED.find(p => isPermission(request.permission, p));
    if (scoped) {
      if (isAdmin) return { result: AuthorizeResult.ALLOW };
      if (!user) return { result: AuthorizeResult.DENY };
      return createWorkspaceConditionalDecision(
        scoped,
        workspaceConditions.isWorkspaceOwner({
          claims: user.info.ownershipEntityRefs,
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
