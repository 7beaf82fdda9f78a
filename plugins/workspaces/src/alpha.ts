/**
 * Unstable parts of the Workspaces frontend. The catalog module replaces the
 * catalog's index page to add Workspace columns, because the new frontend
 * system's catalog page does not take columns yet; it goes when it does.
 *
 * @packageDocumentation
 */
export { workspacesCatalogModule } from './catalog/catalogModule';
export { workspaceCatalogColumns } from './catalog/workspaceColumns';
export { createWorkspaceStatusColumn } from './catalog/WorkspaceStatusColumn';
export { WorkspacesHomePage } from './components/home/WorkspacesHomePage';
