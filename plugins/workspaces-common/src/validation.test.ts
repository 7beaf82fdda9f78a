import {
  createWorkspaceRequestSchema,
  describeWorkspaceNameRule,
  describeZodError,
} from './validation';
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

  it('accepts the refs the scaffolder sends', () => {
    expect(
      parse({
        name: 'dev',
        image: 'ubuntu-desktop',
        size: 'small',
        owner: 'group:default/team-a',
        cluster: 'rke2-prod',
        system: 'system:default/desktop-mania',
        template: 'template:default/linux-desktop',
      }),
    ).toBe('ok');
    expect(
      parse({ name: 'dev', image: 'u', size: 's', system: 'desktop-mania' }),
    ).toBe('ok');
  });

  const huge = 'x'.repeat(60_000);
  it.each([
    ['system', huge, 'system: system must be at most 255 characters'],
    ['template', huge, 'template: template must be at most 255 characters'],
    ['owner', huge, 'owner: owner must be at most 255 characters'],
    ['image', huge, 'image: image must be at most 63 characters'],
    ['size', huge, 'size: size must be at most 63 characters'],
    ['cluster', huge, 'cluster: cluster must be at most 63 characters'],
    ['name', huge, 'name: name must be at most 40 characters'],
    [
      'system',
      '<script>alert(1)</script>',
      "system: system must be an entity ref such as 'system:default/name' (letters, digits, '-', '_' and '.')",
    ],
    [
      'template',
      'template:default/<script>',
      "template: template must be an entity ref such as 'template:default/name' (letters, digits, '-', '_' and '.')",
    ],
    [
      'template',
      'component:default/linux-desktop',
      'template: template must refer to a template',
    ],
    [
      'image',
      'ubuntu desktop',
      "image: image must be a name from the offer: letters, digits, '-', '_' and '.'",
    ],
    [
      'owner',
      'user:default/a\nb',
      "owner: owner must be an entity ref such as 'user:default/name' (letters, digits, '-', '_' and '.')",
    ],
  ])('refuses %s %#, with one line naming it', (field, value, message) => {
    const result = parse({
      name: 'dev',
      image: 'u',
      size: 's',
      [field]: value,
    });
    expect(result).toBe(message);
    expect(result).not.toContain('\n');
  });

  it('shortens unknown field names that come from the caller', () => {
    const result = parse({ name: 'dev', image: 'u', size: 's', [huge]: 1 });
    expect(result).toBe(`unknown field(s): ${'x'.repeat(40)}`);
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

describe('describeWorkspaceNameRule', () => {
  it('states in words the rule the schema enforces, with its length limit', () => {
    expect(describeWorkspaceNameRule()).toBe(
      'Lowercase letters, digits and dashes, starting and ending with a letter or digit; at most 40 characters',
    );
    const refusal = (name: string) => {
      const r = createWorkspaceRequestSchema.safeParse({
        name,
        image: 'ubuntu',
        size: 'small',
      });
      return r.success ? '' : r.error.issues[0].message;
    };
    // The schema's refusals use the same words, so form and backend agree.
    expect(describeWorkspaceNameRule().toLowerCase()).toContain(
      refusal('Dev').replace('name must be ', ''),
    );
    expect(describeWorkspaceNameRule()).toContain(
      refusal('a'.repeat(41)).replace('name must be ', ''),
    );
  });
});
