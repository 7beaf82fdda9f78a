/**
 * The local desktop provider: Xvnc desktops in bubblewrap sandboxes on the
 * backend's machine, the embedded default of Desktop Mania.
 *
 * @packageDocumentation
 */
export { workspacesModuleLocal as default } from './module';
export { LocalWorkspaceProvider } from './LocalWorkspaceProvider';
export type { LocalWorkspaceProviderOptions } from './LocalWorkspaceProvider';
export type { LocalBinaries } from './binaries';
