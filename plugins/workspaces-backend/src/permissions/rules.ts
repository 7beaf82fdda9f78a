import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { RESOURCE_TYPE_WORKSPACE } from '@desktop-mania/plugin-workspaces-common';
import { z } from 'zod';
import type { WorkspaceRecord } from '../database/WorkspaceStore';

/**
 * Conditions on workspaces translate to a filter on the owner column.
 *
 * @public
 */
export type WorkspaceQuery = { owners: string[] };

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

/** @public */
export const workspacePermissionRules = { isWorkspaceOwner };

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
