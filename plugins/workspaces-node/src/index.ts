/**
 * Extension points and the provider interface of the workspaces backend.
 *
 * @packageDocumentation
 */
export * from './WorkspaceProvider';
export * from './extensions';
export * from './events';
export * from './files';
export * from './snapshots';
export * from './migrationLock';
export * from './migrationLockDatabaseServiceFactory';
