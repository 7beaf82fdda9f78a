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
  workspaceResourceRef,
  type WorkspaceQuery,
} from './permissions/rules';
export type { WorkspaceRecord } from './database/WorkspaceStore';
