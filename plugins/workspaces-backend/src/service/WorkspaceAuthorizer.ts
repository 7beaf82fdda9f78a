import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type PermissionCriteria,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  workspaceCreatePermission,
  workspaceMetricsReadPermission,
  workspaceReadPermission,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { WorkspaceQuery } from '../permissions/rules';
import { normalizeOwner } from './orderValidation';

/**
 * Whether the caller holds a permission on a record, by decisions asked for
 * once; see {@link WorkspaceAuthorizer.judge}.
 */
export type RecordJudge = (
  permission: ResourcePermission<'workspace'>,
  record: WorkspaceRecord,
) => boolean;

/**
 * Who may do what with desktops, asked of the permission framework. It reads
 * records only through the loader it is given, so the service stays their
 * one owner.
 */
export class WorkspaceAuthorizer {
  private readonly applies: (
    decision: PolicyDecision,
    record: WorkspaceRecord,
  ) => boolean;
  private readonly toQuery: (
    conditions: Parameters<ReturnType<typeof createConditionTransformer>>[0],
  ) => PermissionCriteria<WorkspaceQuery>;

  constructor(
    private readonly options: {
      permissions: PermissionsService;
      userInfo: UserInfoService;
      auth: AuthService;
      ruleset: PermissionRuleset<WorkspaceRecord, WorkspaceQuery>;
      load(name: string): Promise<WorkspaceRecord | undefined>;
    },
  ) {
    this.applies = createConditionAuthorizer(options.ruleset);
    this.toQuery = createConditionTransformer(options.ruleset);
  }

  /** Whether the caller holds a resource permission on this record. */
  async isAllowed(
    permission: ResourcePermission<'workspace'>,
    record: WorkspaceRecord,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const may = await this.judge([permission], credentials);
    return may(permission, record);
  }

  /**
   * Asks the permission framework about these permissions once for this
   * caller, and answers for any number of records from those decisions: a
   * list of desktops costs one question, not one per desktop.
   */
  async judge(
    permissions: ResourcePermission<'workspace'>[],
    credentials: BackstageCredentials,
  ): Promise<RecordJudge> {
    const decisions = await this.options.permissions.authorizeConditional(
      permissions.map(permission => ({ permission })),
      { credentials },
    );
    const byName = new Map(
      permissions.map((permission, i) => [permission.name, decisions[i]]),
    );
    return (permission, record) => {
      const decision = byName.get(permission.name);
      if (!decision) {
        // A bug in the caller, never a user's doing: fail rather than deny.
        throw new Error(`${permission.name} was not asked about`);
      }
      return this.applies(decision, record);
    };
  }

  /**
   * Loads a record and checks a permission on it. A caller who may not even
   * read it gets a 404, so names of other people's desktops do not leak.
   */
  async authorizeRecord(
    name: string,
    permission: ResourcePermission<'workspace'>,
    credentials: BackstageCredentials,
  ): Promise<WorkspaceRecord> {
    const record = await this.options.load(name);
    if (
      !record ||
      !(await this.isAllowed(workspaceReadPermission, record, credentials))
    ) {
      throw new NotFoundError(`No desktop named '${name}'`);
    }
    if (
      permission !== workspaceReadPermission &&
      !(await this.isAllowed(permission, record, credentials))
    ) {
      throw new NotAllowedError(
        `You may not ${permission.name.replace(
          'workspace.',
          '',
        )} the desktop '${name}'`,
      );
    }
    return record;
  }

  /**
   * Which records the caller may read, as a filter for the store: `false`
   * for none, `undefined` for all, otherwise the policy's conditions.
   */
  async readable(
    credentials: BackstageCredentials,
  ): Promise<PermissionCriteria<WorkspaceQuery> | false | undefined> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: workspaceReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return this.toQuery(decision.conditions);
    }
    return decision.result === AuthorizeResult.ALLOW ? undefined : false;
  }

  /**
   * Checks that the caller may read the plugin's metrics. The scrape token's
   * access restrictions grant this permission and no other, so that token
   * cannot list or open desktops.
   */
  async authorizeMetrics(credentials: BackstageCredentials): Promise<void> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: workspaceMetricsReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read desktop metrics');
    }
  }

  /**
   * Checks that the caller is a person who may order desktops, for the owner
   * they named (themselves by default, or a group they belong to).
   */
  async authorizeOrder(
    credentials: BackstageCredentials,
    requestedOwner: string | undefined,
  ): Promise<{ owner: string; userEntityRef: string }> {
    const { owners, userEntityRef } = await this.orderingOwners(credentials);
    const owner = normalizeOwner(requestedOwner ?? userEntityRef);
    const wanted = owner.toLocaleLowerCase('en-US');
    if (!owners.some(o => o.toLocaleLowerCase('en-US') === wanted)) {
      throw new NotAllowedError(
        `owner: you may only order desktops for yourself or a group you belong to, not '${owner}'`,
      );
    }
    return { owner, userEntityRef };
  }

  /**
   * The owners a person who may order desktops may order for: themselves,
   * then the groups they belong to. Other claims (such as a service's) own
   * no desktops.
   */
  async orderingOwners(
    credentials: BackstageCredentials,
  ): Promise<{ owners: string[]; userEntityRef: string }> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: workspaceCreatePermission as BasicPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not order desktops');
    }
    if (!this.options.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError('Desktops are ordered on behalf of a person');
    }
    const info = await this.options.userInfo.getUserInfo(credentials);
    const userEntityRef = info.userEntityRef;
    const claims = info.ownershipEntityRefs
      .filter(ref => /^(user|group):/i.test(ref))
      .map(normalizeOwner);
    return {
      owners: [...new Set([normalizeOwner(userEntityRef), ...claims])],
      userEntityRef,
    };
  }
}

/** Who did it, as the audit log names them. */
export function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return p.type === 'user'
    ? p.userEntityRef!
    : `${p.type}:${p.subject ?? 'unknown'}`;
}
