import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { assertEnforceable } from './hostLimits';
import { LocalWorkspaceProvider } from './LocalWorkspaceProvider';
import { isMountPoint } from './mounts';
import { readState } from './__testUtils__/desktops';
import { absentPrograms } from './__testUtils__/installed';
import { order } from './__testUtils__/orders';

// A machine without writable cgroup controllers, whose loop mounts fail.
jest.mock('./cgroupHost', () => ({
  findCgroups: async () => ({
    hierarchies: [],
    missing: new Map([
      ['memory', 'no cgroup hierarchy here has the memory controller'],
      ['cpu', 'no cgroup hierarchy here has the cpu controller'],
      ['pids', 'no cgroup hierarchy here has the pids controller'],
    ]),
  }),
}));
jest.mock('./homeImage', () => ({
  ...jest.requireActual('./homeImage'),
  probeHomeImages: async () =>
    'loop mounts fail here: mount: failed to setup loop device',
}));

jest.setTimeout(60_000);

describe('a machine that cannot enforce the limits', () => {
  let dataDir: string;
  const displayBase = 400 + Math.floor(Math.random() * 90);
  const uidBase = 1_960_000_000 + Math.floor(Math.random() * 1_000_000);
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unbounded-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const make = async (unbounded: boolean) => {
    const logger = mockServices.logger.mock();
    const provider = await LocalWorkspaceProvider.fromOptions({
      dataDir,
      displayBase,
      uidBase,
      unbounded,
      logger,
    });
    const warnings = logger.warn.mock.calls
      .map(([message]) => message)
      .filter(message => /cannot enforce/.test(message));
    return { provider, warnings };
  };

  it('says so at start, a line per limit, and refuses orders naming what is missing', async () => {
    const { provider, warnings } = await make(false);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^This machine cannot enforce a local desktop's memory limit \(no cgroup hierarchy here has the memory controller\); local desktops are refused until/,
      ),
      expect.stringMatching(/CPU limit/),
      expect.stringMatching(/process limit/),
      expect.stringMatching(
        /home size limit \(diskGi\) \(loop mounts fail here: .*\); local desktops are refused/,
      ),
    ]);
    const refusal = provider.create(order({ name: 'refused' }));
    await expect(refusal).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^This machine cannot enforce a local desktop's memory limit \(.*\); CPU limit \(.*\); process limit \(.*\); home size limit \(diskGi\) \(.*\); fix the machine or set workspaces\.local\.unbounded: true/,
      ),
    });
    await expect(refusal).rejects.toMatchObject({
      message: expect.not.stringContaining('\n'),
    });
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('refuses to start a desktop whose home has no size limit', () => {
    const capable = {
      cgroups: [],
      homeImages: true,
      missing: [],
      unbounded: false,
    };
    expect(() =>
      assertEnforceable(capable, { name: 'old', homeIsImage: false }),
    ).toThrow(
      /^The local desktop 'old' has a home folder without a size limit .*workspaces\.local\.unbounded: true/,
    );
    expect(() =>
      assertEnforceable(capable, { name: 'new', homeIsImage: true }),
    ).not.toThrow();
    expect(() =>
      assertEnforceable(
        { ...capable, unbounded: true },
        { name: 'old', homeIsImage: false },
      ),
    ).not.toThrow();
  });

  const describeIfInstalled = absentPrograms('the unbounded desktop test')
    .length
    ? describe.skip
    : describe;
  describeIfInstalled('with workspaces.local.unbounded: true', () => {
    it('runs a desktop without the limits, its home a plain folder', async () => {
      const { provider, warnings } = await make(true);
      expect(warnings).toHaveLength(4);
      expect(warnings[0]).toMatch(
        /workspaces\.local\.unbounded is true, so desktops run without it$/,
      );
      const ref = { name: 'free', cluster: 'local' };
      await provider.create(order({ name: 'free' }));
      try {
        expect((await provider.get(ref))!.status.phase).toBe('Running');
        const home = path.join(dataDir, 'free', 'home');
        expect(isMountPoint(home)).toBe(false);
        expect(fs.existsSync(path.join(dataDir, 'free', 'home.img'))).toBe(
          false,
        );
        expect(readState(dataDir, 'free').cgroups).toBeUndefined();
      } finally {
        await provider.delete(ref);
      }
      expect(fs.readdirSync(dataDir)).toEqual([]);
    });
  });
});
