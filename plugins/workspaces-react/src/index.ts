/**
 * API client, hooks and components of the Workspaces suite: the desktop
 * console and the status badge.
 *
 * @packageDocumentation
 */
export { workspacesApiRef } from './api';
export { useWorkspace } from './hooks/useWorkspace';
export { WorkspaceStatusBadge } from './components/WorkspaceStatusBadge';
export {
  DesktopConsole,
  keysymFor,
  type ConsoleState,
} from './components/DesktopConsole';
export {
  PLAYBACK_SPEEDS,
  useRecordingPlayback,
  type RecordingPlayback,
} from './components/RecordingPlayer';
