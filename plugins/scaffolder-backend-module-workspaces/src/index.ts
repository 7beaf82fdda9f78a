/**
 * Scaffolder actions that order desktops through the workspaces backend.
 *
 * @packageDocumentation
 */
export { scaffolderModuleWorkspaces as default } from './module';
export { createWorkspaceAction } from './actions/createWorkspace';
export { waitForWorkspaceAction } from './actions/waitForWorkspace';
