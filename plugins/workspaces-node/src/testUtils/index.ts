/**
 * Helpers for testing code that uses the provider extension point: an
 * in-memory provider and a backend module that registers providers.
 *
 * @packageDocumentation
 */
export * from './FakeProvider';
export * from './FakeFileTransfer';
export * from './providerModule';
