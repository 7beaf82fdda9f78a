/**
 * The Workspace kind in the catalog, and the entity provider that mirrors
 * every desktop into it.
 *
 * @packageDocumentation
 */
export { catalogModuleWorkspaces as default } from './module';
export { WorkspaceEntitiesProcessor } from './WorkspaceEntitiesProcessor';
export { WorkspaceEntityProvider } from './WorkspaceEntityProvider';
export type { WorkspaceSyncResult } from './WorkspaceEntityProvider';
