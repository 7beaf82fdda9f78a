/**
 * Entity model, permissions and API types shared by every package of the
 * Workspaces suite.
 *
 * @packageDocumentation
 */
export * from './WorkspaceEntity';
export * from './types';
export * from './validation';
export * from './permissions';
export * from './errors';
export * from './WorkspacesApi';
export * from './WorkspacesClient';
export * from './phases';
export * from './quantity';
export * from './consoleControl';
export * from './consolePresets';
export * from './snapshots';
export * from './recordingFormat';
export * from './keyboardLayouts';
export * from './schedules';
export * from './shares';
