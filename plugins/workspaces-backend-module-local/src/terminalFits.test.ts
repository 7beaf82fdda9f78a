import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Duplex } from 'stream';
import { mockServices } from '@backstage/backend-test-utils';
import { RfbClient, socketTransport } from '@internal/test-support';
import { LocalWorkspaceProvider } from './LocalWorkspaceProvider';
import { terminalMapped, waitUntil, xEnv } from './__testUtils__/desktops';
import { absentPrograms } from './__testUtils__/installed';
import { order } from './__testUtils__/orders';

jest.setTimeout(120_000);

const missing = absentPrograms(
  'the test of the terminal following the screen',
  ['/usr/bin/xdotool', '/usr/bin/xwininfo'],
);
const describeIfInstalled = missing.length ? describe.skip : describe;

/** SetDesktopSize (the RFB community spec's message 251) for one screen, as noVNC's Fit sends it. */
const setDesktopSize = (width: number, height: number) => {
  const message = Buffer.alloc(24);
  message[0] = 251;
  message.writeUInt16BE(width, 2);
  message.writeUInt16BE(height, 4);
  message[6] = 1;
  message.writeUInt16BE(width, 16);
  message.writeUInt16BE(height, 18);
  return message;
};

/** Raw, then the ExtendedDesktopSize pseudo-encoding, which SetDesktopSize's answer needs. */
const SET_ENCODINGS = Buffer.from([
  2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xfe, 0xcc,
]);

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A window's place on the screen, as xwininfo reports it. */
function geometry(env: NodeJS.ProcessEnv, window: string[]): Box {
  const out = spawnSync('xwininfo', window, { env, encoding: 'utf8' }).stdout;
  const field = (name: string) =>
    Number(new RegExp(`${name}:\\s+(-?\\d+)`).exec(out)?.[1]);
  return {
    x: field('Absolute upper-left X'),
    y: field('Absolute upper-left Y'),
    width: field('Width'),
    height: field('Height'),
  };
}

describeIfInstalled('the terminal of a real local desktop', () => {
  let dataDir: string;
  let provider: LocalWorkspaceProvider;
  let socket: Duplex;
  let client: RfbClient;
  const ref = { name: 'fits', cluster: 'local' };
  const env = () => xEnv(dataDir, 'fits');
  const terminal = () => {
    const ids = spawnSync(
      'xdotool',
      ['search', '--onlyvisible', '--name', 'terminal'],
      { env: env(), encoding: 'utf8' },
    ).stdout.trim();
    return geometry(env(), ['-id', ids.split('\n')[0]]);
  };
  const screen = () => geometry(env(), ['-root']);
  /** The terminal takes the whole screen but its title bar and borders. */
  const fits = (window: Box, width: number, height: number) =>
    window.x >= 0 &&
    window.x + window.width <= width &&
    window.x + window.width >= width - 8 &&
    window.y <= 40 &&
    window.y + window.height <= height &&
    window.y + window.height >= height - 8;
  /** Waits for the terminal to fill the screen; shows where it is if it does not. */
  const expectFills = async (width: number, height: number) => {
    await waitUntil(
      () => fits(terminal(), width, height),
      `the terminal fills the ${width}×${height} screen`,
    ).catch(() => undefined);
    const window = terminal();
    expect(fits(window, width, height) ? 'fills the screen' : window).toBe(
      'fills the screen',
    );
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-fits-'));
    provider = await LocalWorkspaceProvider.fromOptions({
      dataDir,
      displayBase: 800 + Math.floor(Math.random() * 90),
      uidBase: 1_980_000_000 + Math.floor(Math.random() * 1_000_000),
      logger: mockServices.logger.mock(),
    });
    await provider.create(order({ name: 'fits', diskGi: 1 }));
    await waitUntil(
      () => terminalMapped(dataDir, 'fits'),
      'the terminal is on the screen',
    );
    socket = await provider.openConsole(ref);
    client = new RfbClient(socketTransport(socket));
    await client.handshake();
    socket.write(SET_ENCODINGS);
  });

  afterAll(async () => {
    client?.close();
    await provider?.delete(ref).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fills the screen at its first size and at each size the console asks for', async () => {
    const first = screen();
    await expectFills(first.width, first.height);
    // The walkthrough's small browser, where the prompt fell off the
    // screen, then a large one, where a black strip was left.
    for (const [width, height] of [
      [754, 387],
      [1920, 1080],
    ]) {
      socket.write(setDesktopSize(width, height));
      await waitUntil(
        () => screen().width === width && screen().height === height,
        `the screen is ${width}×${height}`,
      ).catch(() => undefined);
      // Xvnc took the size (RandR allows 32×32 to 32767×32767).
      expect(screen()).toMatchObject({ width, height });
      await expectFills(width, height);
    }
  });
});
