import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readWorkspacesConfig } from './WorkspacesConfig';

const read = (workspaces: object, app: object = {}) =>
  readWorkspacesConfig(new ConfigReader({ app, workspaces }));
const small = { name: 'small', title: 'Small', cpu: 1, memory: '4Gi' };
const debian = { name: 'debian', os: 'linux' };

describe('readWorkspacesConfig', () => {
  it('has defaults', () => {
    expect(
      readWorkspacesConfig(
        new ConfigReader({ app: { baseUrl: 'http://localhost:3000/app' } }),
      ),
    ).toEqual({
      defaultCluster: undefined,
      images: [],
      sizes: [],
      limits: {
        diskGi: { min: 20, max: 200, default: 40 },
        lifetimeHours: { min: 1, max: 720, default: 168 },
        maxPerOwner: 3,
      },
      idleStopAfterMs: undefined,
      expiryAction: 'stop',
      reconcileAfterMs: 2 * 60_000,
      console: {
        idleTimeoutMs: 30 * 60_000,
        maxSessionsPerUser: 4,
        allowedOrigins: ['http://localhost:3000'],
        leaseMs: 30_000,
      },
    });
  });

  it('reads images, sizes, limits and durations in each form', () => {
    const config = read({
      defaultCluster: 'local',
      images: [debian],
      sizes: [small, { name: 'large', geometry: '1920x1080' }],
      limits: { diskGi: { min: 10, max: 100, default: 20 }, maxPerOwner: 5 },
      lifecycle: {
        idleStopAfter: { hours: 8 },
        expiryAction: 'delete',
        reconcileAfter: { seconds: 30 },
      },
      console: {
        idleTimeout: 'PT15M',
        maxSessionsPerUser: 2,
        allowedOrigins: ['https://portal.example.com'],
        lease: '10s',
      },
    });
    expect(config).toMatchObject({
      defaultCluster: 'local',
      images: [{ name: 'debian', title: 'debian', os: 'linux' }],
      sizes: [small, { name: 'large', title: 'large', geometry: '1920x1080' }],
      limits: { diskGi: { min: 10, max: 100, default: 20 }, maxPerOwner: 5 },
      idleStopAfterMs: 8 * 3_600_000,
      expiryAction: 'delete',
      reconcileAfterMs: 30_000,
      console: {
        idleTimeoutMs: 15 * 60_000,
        maxSessionsPerUser: 2,
        allowedOrigins: ['https://portal.example.com'],
        leaseMs: 10_000,
      },
    });
    expect(read({ lifecycle: { idleStopAfter: '90m' } }).idleStopAfterMs).toBe(
      90 * 60_000,
    );
  });

  it('offers each image the sizes that fit it and a disk it fits on', () => {
    const medium = { name: 'medium', cpu: 2, memory: '8Gi' };
    const config = read({
      images: [
        debian,
        {
          name: 'windows',
          os: 'windows',
          minimum: { cpu: 2, memory: '4Gi', diskGi: 64 },
        },
      ],
      // A size that does not say what it has cannot be shown to fit.
      sizes: [small, medium, { name: 'unknown' }],
    });
    expect(config.images[0]).toMatchObject({
      sizes: ['small', 'medium', 'unknown'],
      diskGi: { min: 20, max: 200, default: 40 },
    });
    expect(config.images[1]).toMatchObject({
      minimum: { cpu: 2, memory: '4Gi', diskGi: 64 },
      sizes: ['medium'],
      diskGi: { min: 64, max: 200, default: 64 },
    });
  });

  it.each([
    [
      { sizes: [small, small] },
      "Invalid config at 'workspaces.sizes[1].name': 'small' is already used at workspaces.sizes[0].name; names must be unique",
    ],
    [
      { sizes: [{ ...small, cpu: 'two' }] },
      "Invalid config at 'workspaces.sizes[0].cpu': expected a number",
    ],
    [
      { sizes: [small, { title: 'Nameless' }] },
      "Invalid config at 'workspaces.sizes[1].name': a value is required",
    ],
    [
      { sizes: [{ ...small, memory: 4 }] },
      "Invalid config at 'workspaces.sizes[0].memory': expected string, got number",
    ],
    [
      { images: [debian, { name: 'mac', os: 'macos' }] },
      "Invalid config at 'workspaces.images[1].os': expected 'linux' or 'windows', got 'macos'",
    ],
    [
      { images: [debian, debian] },
      "Invalid config at 'workspaces.images[1].name': 'debian' is already used at workspaces.images[0].name",
    ],
    [
      { limits: { diskGi: { min: 50, max: 100, default: 40 } } },
      'Invalid config at \'workspaces.limits.diskGi\': expected min <= default <= max, got {"min":50,"max":100,"default":40}',
    ],
    [
      { lifecycle: { expiryAction: 'archive' } },
      "Invalid config at 'workspaces.lifecycle.expiryAction': expected 'stop' or 'delete', got 'archive'",
    ],
    [
      { lifecycle: { reconcileAfter: 'soon' } },
      `Invalid config at 'workspaces.lifecycle.reconcileAfter': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got "soon"`,
    ],
    [
      { lifecycle: { idleStopAfter: 28800000 } },
      "Invalid config at 'workspaces.lifecycle.idleStopAfter': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got 28800000",
    ],
    [
      { console: { idleTimeout: { mins: 30 } } },
      "Invalid config at 'workspaces.console.idleTimeout': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got {\"mins\":30}",
    ],
    [
      { images: [{ ...debian, minimum: { memory: '4 GiB' } }], sizes: [small] },
      "Invalid config at 'workspaces.images[0].minimum.memory': expected a quantity such as '4Gi' or '512Mi', got '4 GiB'",
    ],
    [
      { images: [{ ...debian, minimum: { cpu: 8 } }], sizes: [small] },
      "Invalid config at 'workspaces.images[0].minimum': no size offers what image 'debian' needs (8 vCPU); the sizes are 'small' (1 vCPU, 4Gi), so add a size or lower the minimum",
    ],
    [
      { images: [{ ...debian, minimum: { diskGi: 500 } }] },
      "Invalid config at 'workspaces.images[0].minimum.diskGi': image 'debian' needs 500 GiB but workspaces.limits.diskGi.max is 200",
    ],
    [
      { console: { maxSessionsPerUser: 'many' } },
      "Invalid config at 'workspaces.console.maxSessionsPerUser': expected a number",
    ],
  ])('refuses %j with an InputError naming the key', (workspaces, message) => {
    expect(() => read(workspaces)).toThrow(InputError);
    expect(() => read(workspaces)).toThrow(message);
  });

  it('names app.baseUrl when the console falls back to its origin', () => {
    expect(() => read({}, { baseUrl: 'localhost' })).toThrow(
      "Invalid config at 'app.baseUrl': 'localhost' is not a URL",
    );
    expect(
      read(
        { console: { allowedOrigins: ['https://a.example.com'] } },
        { baseUrl: 'localhost' },
      ).console.allowedOrigins,
    ).toEqual(['https://a.example.com']);
  });

  it('reads recording against the images people may order', () => {
    const images = [debian];
    const sizes = [small];
    expect(
      read({ images, sizes, recording: { images: ['debian'] } }).recording,
    ).toMatchObject({ images: ['debian'], ownerGroups: [] });
    expect(read({ images, sizes }).recording).toBeUndefined();
    expect(() =>
      read({ images, sizes, recording: { images: ['ubuntu'] } }),
    ).toThrow(
      "Invalid config at 'workspaces.recording.images[0]': 'ubuntu' is not one of workspaces.images (debian)",
    );
  });
});
