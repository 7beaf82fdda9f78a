import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { resolveBinaries } from './binaries';
import { checkHost, missingPrograms } from './hostChecks';
import { absentPrograms } from './__testUtils__/installed';

describe('host checks', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-checks-'));
    // As root the sandbox probe runs as nobody, who must reach the fake programs.
    fs.chmodSync(dir, 0o755);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const program = (name: string, script: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return file;
  };
  const present = () =>
    resolveBinaries({
      xvnc: program('Xvnc', 'exit 0'),
      bwrap: program('bwrap', 'exit 0'),
      windowManager: program('openbox', 'exit 0'),
      terminal: `${program('xterm', 'exit 0')} -maximized`,
    });

  it('names each missing program with its Debian package and config key', async () => {
    expect(
      await missingPrograms({
        ...present(),
        xvnc: '/nonexistent/Xvnc',
        terminal: '/nonexistent/xterm -maximized',
      }),
    ).toEqual([
      "/nonexistent/Xvnc (install the Debian package 'tigervnc-standalone-server' or set workspaces.local.xvncPath)",
      "/nonexistent/xterm (install the Debian package 'xterm' or set workspaces.local.terminalCommand)",
    ]);
    expect(await missingPrograms(present())).toEqual([]);
  });

  it('fails before probing anything when a program is missing', async () => {
    const probed = path.join(dir, 'probed');
    await expect(
      checkHost(
        {
          ...present(),
          bwrap: program('bwrap', `touch ${probed}`),
          windowManager: '/nonexistent/openbox',
        },
        mockServices.logger.mock(),
      ),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /cannot run without \/nonexistent\/openbox \(install the Debian package 'openbox'/,
      ),
    });
    expect(fs.existsSync(probed)).toBe(false);
  });

  it('refuses a bubblewrap that cannot make the sandbox, saying why, without blocking the event loop', async () => {
    const binaries = {
      ...present(),
      bwrap: program(
        'bwrap',
        'sleep 0.3; echo "bwrap: No permissions to create new namespace" >&2; exit 1',
      ),
    };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await expect(
        checkHost(binaries, mockServices.logger.mock()),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /^bubblewrap cannot create the desktops' sandbox here \(bwrap: No permissions to create new namespace\); unprivileged user namespaces must be allowed/,
        ),
      });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('reports an exit code when the failed probe says nothing', async () => {
    await expect(
      checkHost(
        { ...present(), bwrap: program('bwrap', 'exit 3') },
        mockServices.logger.mock(),
      ),
    ).rejects.toThrow(/sandbox here \(exit 3\)/);
  });

  const describeIfInstalled = absentPrograms('the check of this machine').length
    ? describe.skip
    : describe;
  describeIfInstalled('with the programs installed', () => {
    it('describes a machine that can run desktops', async () => {
      const facts = await checkHost(
        resolveBinaries(),
        mockServices.logger.mock(),
      );
      expect(facts).toEqual({
        asRoot: process.getuid?.() === 0,
        bootId: fs
          .readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')
          .trim(),
        mounts: expect.arrayContaining([
          '--ro-bind',
          '/usr',
          '/etc/ld.so.cache',
        ]),
      });
    });
  });
});
