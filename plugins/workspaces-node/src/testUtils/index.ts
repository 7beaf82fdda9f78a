/**
 * Test and benchmark helpers for desktop providers: a minimal RFB client, a
 * synthetic RFB server, an in-memory provider and a module that registers
 * providers.
 *
 * @packageDocumentation
 */
export * from './rfb';
export * from './FakeProvider';
export * from './providerModule';
