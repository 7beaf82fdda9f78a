/**
 * The Workspaces frontend plugin (new frontend system).
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { WorkspaceOverviewCard } from './components/WorkspaceOverviewCard';
export { MyWorkspacesPage } from './components/MyWorkspacesPage';
