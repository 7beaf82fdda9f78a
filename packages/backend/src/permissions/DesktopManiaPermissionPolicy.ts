import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { asConfigError, configError } from '@desktop-mania/config-node';
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
  catalogEntityCreatePermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { templateManagementPermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  workspaceConnectPermission,
  workspaceCreatePermission,
  workspaceDeletePermission,
  workspaceFilesPermission,
  workspaceLifecyclePermission,
  workspaceMetricsReadPermission,
  workspaceReadPermission,
  workspaceRecordingReadPermission,
  workspaceViewPermission,
} from '@desktop-mania/plugin-workspaces-common';
import {
  createWorkspaceConditionalDecision,
  workspaceConditions,
} from '@desktop-mania/plugin-workspaces-backend';
import { clusterHealthReadPermission } from '@desktop-mania/plugin-cluster-health-common';

/**
 * A list of entity refs, each as the ownership refs of a signed-in person
 * spell it (`group:default/admins`); anything else would never match.
 */
function readEntityRefs(c: Config | undefined, key: string): string[] {
  const fullKey = `desktopMania.permissions.${key}`;
  const value = c?.getOptional(key);
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string')) {
    throw configError(
      fullKey,
      `expected a list of entity refs such as [group:default/admins], got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return (value as string[]).map((ref, i) => {
    let full: string | undefined;
    try {
      full = stringifyEntityRef(parseEntityRef(ref));
    } catch {
      full = undefined;
    }
    if (full === undefined || /\s/.test(ref)) {
      throw configError(
        `${fullKey}[${i}]`,
        `expected an entity ref such as 'group:default/admins', got '${ref}'`,
      );
    }
    if (full.toLocaleLowerCase('en-US') !== ref.toLocaleLowerCase('en-US')) {
      throw configError(
        `${fullKey}[${i}]`,
        `expected a full entity ref with kind and namespace, e.g. '${full}', got '${ref}'`,
      );
    }
    return ref;
  });
}

const OWNER_SCOPED = [
  workspaceReadPermission,
  workspaceConnectPermission,
  workspaceLifecyclePermission,
  workspaceDeletePermission,
  workspaceFilesPermission,
  workspaceViewPermission,
  // Session recordings: admins and the owner, never a share's grantees.
  workspaceRecordingReadPermission,
];

// What a share lets its grantees do besides the owner; the rest of
// OWNER_SCOPED (lifecycle, delete, files, managing shares) stays the owner's.
const SHARED_IN_MODES = new Map<string, Array<'view' | 'control'>>([
  [workspaceReadPermission.name, ['view', 'control']],
  [workspaceViewPermission.name, ['view', 'control']],
  [workspaceConnectPermission.name, ['control']],
]);

// Registering components and writing templates are developer tools: the
// portal's catalog is its desktops and its own packages, which people who
// order desktops do not add to, and its templates are the platform team's.
const ADMIN_ONLY = [
  catalogLocationCreatePermission,
  catalogEntityCreatePermission,
  templateManagementPermission,
];

/**
 * The portal's policy. Admins may do everything; everyone else reaches only
 * the desktops they or their groups own, and only platform owners read
 * cluster health. Registering catalog entities is for admins; other
 * plugins' permissions stay open to signed-in people, as a stock Backstage
 * portal has them.
 *
 * Service principals never reach this policy: the permissions service
 * decides for them from their access restrictions, allowing everything to
 * other plugins' own tokens (the catalog and scaffolder modules call the
 * workspaces backend with those) and, to the metrics scrape token, only
 * `workspace.metrics.read` (backend.auth.externalAccess in the production
 * config).
 */
export class DesktopManiaPermissionPolicy implements PermissionPolicy {
  private readonly admins: string[];
  private readonly platformOwners: string[];

  /**
   * Reads `desktopMania.permissions`; a mistake there is an `InputError`
   * naming the key.
   */
  static fromConfig(config: Config) {
    try {
      const c = config.getOptionalConfig('desktopMania.permissions');
      return new DesktopManiaPermissionPolicy({
        admins: readEntityRefs(c, 'admins'),
        platformOwners: readEntityRefs(c, 'platformOwners'),
      });
    } catch (error) {
      throw asConfigError(error, 'desktopMania.permissions');
    }
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
    // Metrics are served to services only; of people, only admins hold it.
    if (isPermission(request.permission, workspaceMetricsReadPermission)) {
      return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (ADMIN_ONLY.some(p => isPermission(request.permission, p))) {
      return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (isPermission(request.permission, workspaceCreatePermission)) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    const scoped = OWNER_SCOPED.find(p => isPermission(request.permission, p));
    if (scoped) {
      if (isAdmin) return { result: AuthorizeResult.ALLOW };
      if (!user) return { result: AuthorizeResult.DENY };
      const refs = user.info.ownershipEntityRefs;
      const owner = workspaceConditions.isWorkspaceOwner({ claims: refs });
      const modes = SHARED_IN_MODES.get(scoped.name);
      return createWorkspaceConditionalDecision(
        scoped,
        modes
          ? {
              anyOf: [
                owner,
                workspaceConditions.isSharedWith({ claims: refs, modes }),
              ],
            }
          : owner,
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
