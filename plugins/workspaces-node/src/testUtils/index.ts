/**
 * Test and benchmark helpers for desktop providers: a minimal RFB client and
 * a synthetic RFB server.
 *
 * @packageDocumentation
 */
export * from './rfb';
export * from './FakeProvider';
