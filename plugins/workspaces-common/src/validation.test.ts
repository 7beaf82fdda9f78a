import { createWorkspaceRequestSchema, describeZodError } from './validation';
import {
  decodeConsoleTokenProtocol,
  encodeConsoleTokenProtocol,
} from './errors';

describe('createWorkspaceRequestSchema', () => {
  const parse = (body: unknown) => {
    const r = createWorkspaceRequestSchema.safeParse(body);
    return r.success ? 'ok' : describeZodError(r.error);
  };

  it('accepts a minimal order', () => {
    expect(parse({ name: 'dev-1', image: 'ubuntu', size: 'small' })).toBe('ok');
  });

  it.each([
    ['Dev', /name: name must be lowercase/],
    ['-dev', /name: name must be lowercase/],
    ['dev-', /name: name must be lowercase/],
    ['a'.repeat(41), /at most 40/],
    ['', /name is required/],
  ])('refuses the name %j', (name, message) => {
    expect(parse({ name, image: 'ubuntu', size: 'small' })).toMatch(message);
  });

  it('names unknown fields', () => {
    expect(parse({ name: 'dev', image: 'u', size: 's', gpu: true })).toMatch(
      /unknown field\(s\): gpu/,
    );
  });

  it('refuses fractional disk sizes', () => {
    expect(parse({ name: 'dev', image: 'u', size: 's', diskGi: 1.5 })).toMatch(
      /diskGi: diskGi must be a whole number/,
    );
  });
});

describe('console token subprotocol', () => {
  it('round-trips tokens with characters subprotocols forbid', () => {
    const token = 'mock-user-token:{"sub":"user:default/alice"}';
    const protocol = encodeConsoleTokenProtocol(token);
    expect(protocol).toMatch(/^desktopmania\.token\.[A-Za-z0-9_-]+$/);
    expect(decodeConsoleTokenProtocol(protocol)).toBe(token);
  });

  it('ignores other subprotocols', () => {
    expect(decodeConsoleTokenProtocol('binary')).toBeUndefined();
  });
});
