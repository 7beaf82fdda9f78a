import { workspacePathSegments } from './files';

describe('workspacePathSegments', () => {
  it.each([
    ['', []],
    ['Uploads', ['Uploads']],
    ['Uploads/', ['Uploads']],
    ['a b/ünï.txt', ['a b', 'ünï.txt']],
    ['.config/x', ['.config', 'x']],
  ])('splits %j', (path, segments) => {
    expect(workspacePathSegments(path)).toEqual(segments);
  });

  it.each([
    ['..', /'\.\.'/],
    ['a/../../etc', /'\.\.'/],
    ['./a', /'\.'/],
    ['/etc/passwd', /absolute/],
    ['a//b', /empty/],
    ['a\u0000b', /control character/],
    ['a\nb', /control character/],
  ])('refuses %j in one line', (path, message) => {
    expect(() => workspacePathSegments(path)).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.not.stringContaining('\n'),
      }),
    );
    expect(() => workspacePathSegments(path)).toThrow(message);
  });

  it('refuses names and paths longer than Linux takes', () => {
    expect(() => workspacePathSegments('x'.repeat(256))).toThrow(
      /longer than 255 bytes/,
    );
    expect(() => workspacePathSegments(`${'a/'.repeat(2100)}b`)).toThrow(
      /longer than 4096 bytes/,
    );
  });
});
