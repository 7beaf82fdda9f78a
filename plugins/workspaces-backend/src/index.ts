/**
 * Workspaces backend: lifecycle API, permissions, records and console proxy.
 *
 * @packageDocumentation
 */
export { workspacesPlugin as default } from './plugin';
export {
  workspaceConditions,
  createWorkspaceConditionalDecision,
  isWorkspaceOwner,
  isSharedWith,
  workspacePermissionRules,
  workspaceResourceRef,
  type WorkspaceQuery,
} from './permissions/rules';
export type {
  WorkspaceGrant,
  WorkspaceRecord,
} from './database/WorkspaceStore';
