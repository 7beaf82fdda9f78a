import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  RESOURCE_TYPE_WORKSPACE,
  type ShareMode,
} from '@desktop-mania/plugin-workspaces-common';
import { z } from 'zod';
import type { WorkspaceRecord } from '../database/WorkspaceStore';

/**
 * Conditions on workspaces translate to a filter on the owner column, or
 * on the desktop's unexpired shares with these claims in these modes.
 *
 * @public
 */
export type WorkspaceQuery =
  | { owners: string[] }
  | { sharedWith: { claims: string[]; modes: ShareMode[] } };

/** @public */
export const workspaceResourceRef = createPermissionResourceRef<
  WorkspaceRecord,
  WorkspaceQuery
>().with({ pluginId: 'workspaces', resourceType: RESOURCE_TYPE_WORKSPACE });

/**
 * Matches desktops whose owner is one of the claims: the caller's user entity
 * and the groups they belong to (their ownership entity refs).
 * @public
 */
export const isWorkspaceOwner = createPermissionRule({
  name: 'IS_OWNER',
  description: 'Allow desktops owned by the caller or one of their groups',
  resourceRef: workspaceResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the caller and their groups'),
  }),
  apply: (resource, { claims }) =>
    claims
      .map(c => c.toLocaleLowerCase('en-US'))
      .includes(resource.owner.toLocaleLowerCase('en-US')),
  toQuery: ({ claims }) => ({ owners: claims }),
});

/**
 * Matches desktops shared, in one of `modes`, with one of the claims, by a
 * share that has not ended. The record must carry its grants (the service
 * loads them with it); one without grants is shared with no one.
 * @public
 */
export const isSharedWith = createPermissionRule({
  name: 'IS_SHARED_WITH',
  description:
    'Allow desktops shared with the caller or one of their groups, in the given modes',
  resourceRef: workspaceResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the caller and their groups'),
    modes: z
      .array(z.enum(['view', 'control']))
      .describe('Share modes that allow it'),
  }),
  apply: (resource, { claims, modes }) => {
    const refs = claims.map(c => c.toLocaleLowerCase('en-US'));
    const now = Date.now();
    return (resource.grants ?? []).some(
      g =>
        modes.includes(g.mode) &&
        g.expiresAt.getTime() > now &&
        refs.includes(g.grantee.toLocaleLowerCase('en-US')),
    );
  },
  toQuery: ({ claims, modes }) => ({ sharedWith: { claims, modes } }),
});

/** @public */
export const workspacePermissionRules = { isWorkspaceOwner, isSharedWith };

const conditionExports = createConditionExports({
  resourceRef: workspaceResourceRef,
  rules: workspacePermissionRules,
});

/**
 * Conditions a permission policy returns for workspace permissions.
 * @public
 */
export const workspaceConditions = conditionExports.conditions;

/**
 * Builds a conditional decision on workspaces for a permission policy.
 * @public
 */
export const createWorkspaceConditionalDecision =
  conditionExports.createConditionalDecision;
