import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { findKeyboardLayout } from '@desktop-mania/plugin-workspaces-common';
import type { DesktopState } from './DesktopStore';
import { setDesktopKeyboardLayout, setxkbmapCommand } from './keyboardLayout';
import { XKBCOMP } from './keymap';
import { LocalWorkspaceProvider } from './LocalWorkspaceProvider';
import {
  readState,
  terminalMapped,
  waitUntil,
  xEnv,
} from './__testUtils__/desktops';
import { absentPrograms } from './__testUtils__/installed';
import { order } from './__testUtils__/orders';

const layout = (id: string) => findKeyboardLayout(id)!;

describe('setxkbmapCommand', () => {
  it("runs setxkbmap in the desktop's cgroups and sandbox, as its user", () => {
    expect(
      setxkbmapCommand(
        { uid: 1900000001, cgroups: ['/sys/fs/cgroup/desk'] },
        4321,
        21,
        layout('ch-fr'),
        true,
      ),
    ).toEqual([
      '/bin/sh',
      '-c',
      expect.any(String),
      'join-cgroups',
      '/sys/fs/cgroup/desk/cgroup.procs',
      '--',
      '/usr/bin/nsenter',
      '--target',
      '4321',
      '--all',
      '-S',
      '1900000001',
      '-G',
      '1900000001',
      '--',
      '/usr/bin/setxkbmap',
      '-display',
      ':21',
      '-layout',
      'ch',
      '-variant',
      'fr',
      '-symbols',
      'pc+ch(fr)',
    ]);
  });

  it('keeps its own ids without root, and clears the variant of a plain layout', () => {
    expect(
      setxkbmapCommand({ uid: 1000 }, 99, 20, layout('de'), false),
    ).toEqual([
      '/usr/bin/nsenter',
      '--target',
      '99',
      '--all',
      '--preserve-credentials',
      '--',
      '/usr/bin/setxkbmap',
      '-display',
      ':20',
      '-layout',
      'de',
      '-variant',
      '',
      '-symbols',
      'pc+de',
    ]);
  });
});

describe('setDesktopKeyboardLayout', () => {
  const me = { pid: process.pid, startTime: 0 };
  const stopped = {
    name: 'desk',
    uid: 1000,
    display: 20,
  } as DesktopState;

  it('refuses a desktop that is not running, without running anything', async () => {
    const run = jest.fn();
    await expect(
      setDesktopKeyboardLayout(stopped, layout('de'), { asRoot: true, run }),
    ).rejects.toThrow("The desktop 'desk' is not running; start it first");
    expect(run).not.toHaveBeenCalled();
  });

  it('says in one line why setxkbmap failed', async () => {
    const stat = fs.readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const startTime = Number(
      stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19],
    );
    const running = {
      ...stopped,
      xvnc: { ...me, startTime },
      sandbox: { ...me, startTime },
    } as DesktopState;
    const failure = Object.assign(new Error('Command failed'), {
      code: 1,
      stderr: 'Error loading new keyboard description\n',
    });
    await expect(
      setDesktopKeyboardLayout(running, layout('de'), {
        asRoot: true,
        run: async () => {
          throw failure;
        },
      }),
    ).rejects.toThrow(
      "The keyboard layout of 'desk' could not be set to German: Error loading new keyboard description",
    );
  });
});

const missing = absentPrograms('the keyboard layout test on a real desktop', [
  '/usr/bin/nsenter',
  '/usr/bin/setxkbmap',
  '/usr/bin/xdotool',
]);
const describeIfInstalled = missing.length ? describe.skip : describe;

describeIfInstalled('keyboard layout of a real local desktop', () => {
  jest.setTimeout(120_000);
  let dataDir: string;
  let provider: LocalWorkspaceProvider;
  const ref = { name: 'layout', cluster: 'local' };
  const query = () =>
    spawnSync('/usr/bin/setxkbmap', ['-query'], {
      env: xEnv(dataDir, 'layout'),
      encoding: 'utf8',
    }).stdout;
  /** The symbols of the key left of U on a US keyboard, as the server has them. */
  const keyY = () => {
    const dump = spawnSync(
      XKBCOMP,
      ['-xkb', xEnv(dataDir, 'layout').DISPLAY, '-'],
      {
        env: xEnv(dataDir, 'layout'),
        encoding: 'utf8',
      },
    ).stdout;
    return /key <AD06> \{[^}]*\[\s*([^,\s]+)/.exec(dump)?.[1];
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'layout-'));
    provider = await LocalWorkspaceProvider.fromOptions({
      dataDir,
      displayBase: 600 + Math.floor(Math.random() * 90),
      uidBase: 1_960_000_000 + Math.floor(Math.random() * 1_000_000),
      logger: mockServices.logger.mock(),
    });
    await provider.create(order({ name: 'layout', diskGi: 1 }));
    await waitUntil(
      () => terminalMapped(dataDir, 'layout'),
      'the terminal is on the screen',
    );
  });

  afterAll(async () => {
    await provider.delete(ref).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('switches the X layout from inside the sandbox, and back', async () => {
    expect(keyY()).toBe('y');
    await provider.setKeyboardLayout(ref, layout('de'));
    expect(query()).toMatch(/^layout:\s+de$/m);
    expect(keyY()).toBe('z');

    await provider.setKeyboardLayout(ref, layout('ch-fr'));
    expect(query()).toMatch(/^layout:\s+ch$/m);
    expect(query()).toMatch(/^variant:\s+fr$/m);

    await provider.setKeyboardLayout(ref, layout('us'));
    expect(query()).toMatch(/^layout:\s+us$/m);
    expect(query()).not.toMatch(/^variant:/m);
    expect(keyY()).toBe('y');
    // Still the desktop's own user's X server: the state is untouched.
    expect(readState(dataDir, 'layout').display).toBeGreaterThan(0);
  });

  it('refuses a stopped desktop', async () => {
    await provider.stop(ref);
    await expect(provider.setKeyboardLayout(ref, layout('de'))).rejects.toThrow(
      /is not running/,
    );
  });
});
