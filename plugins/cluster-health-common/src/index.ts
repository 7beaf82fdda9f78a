/**
 * Permissions and API types of the cluster health pages.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
