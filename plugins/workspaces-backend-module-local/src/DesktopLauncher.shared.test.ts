import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { resolveBinaries } from './binaries';
import { DesktopLauncher } from './DesktopLauncher';
import { DesktopState, DesktopStore } from './DesktopStore';
import { isAlive } from './processes';
import { newDesktop } from './__testUtils__/orders';

// A desktop's screen is shared: a second viewer joins without kicking the
// first, even one whose ClientInit does not ask to share. This starts the
// real Xvnc as the launcher does.
const XVNC = '/usr/bin/Xvnc';
const describeWithXvnc = fs.existsSync(XVNC) ? describe : describe.skip;

jest.setTimeout(30_000);

const displayBase = 9180 + Math.floor(Math.random() * 60);

/** Connects a viewer and completes the RFB handshake with the given shared flag. */
async function viewer(socketPath: string, shared: boolean) {
  const socket = net.connect(socketPath);
  let buffer = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    buffer = Buffer.concat([buffer, d]);
    wake?.();
  });
  const more = () =>
    new Promise<void>(resolve => {
      wake = resolve;
    });
  const read = async (n: number) => {
    while (buffer.length < n) await more();
    const out = buffer.subarray(0, n);
    buffer = buffer.subarray(n);
    return out;
  };
  await read(12);
  socket.write('RFB 003.008\n');
  await read((await read(1))[0]);
  socket.write(Buffer.from([1]));
  expect((await read(4)).readUInt32BE(0)).toBe(0);
  socket.write(Buffer.from([shared ? 1 : 0]));
  const init = await read(24);
  await read(init.readUInt32BE(20));
  return socket;
}

describeWithXvnc('a local desktop with two viewers', () => {
  let dir: string;
  let state: DesktopState;
  const clients: net.Socket[] = [];

  beforeEach(() => {
    fs.mkdirSync('/tmp/.X11-unix', { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-shared-'));
  });
  afterEach(() => {
    clients.splice(0).forEach(c => c.destroy());
    for (const ref of [state?.xvnc, state?.session]) {
      if (ref && isAlive(ref)) process.kill(ref.pid, 'SIGKILL');
    }
    if (state?.display !== undefined) {
      fs.rmSync(`/tmp/.X${state.display}-lock`, { force: true });
      fs.rmSync(`/tmp/.X11-unix/X${state.display}`, { force: true });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the first viewer when a second one connects without asking to share', async () => {
    const store = await DesktopStore.open({
      dataDir: path.join(dir, 'desktops'),
      asRoot: false,
      uidBase: 1_900_000_000,
    });
    state = store.add(newDesktop('one'));
    store.makeHome(state);
    const bwrap = path.join(dir, 'bwrap');
    fs.writeFileSync(
      bwrap,
      '#!/bin/sh\necho "{\\"child-pid\\": $$}" >&3; exec sleep 30\n',
      { mode: 0o755 },
    );
    await new DesktopLauncher({
      store,
      binaries: resolveBinaries({ xvnc: XVNC, bwrap }),
      host: { asRoot: false, bootId: 'this-boot', mounts: [] },
      limits: { cgroups: [], homeImages: false, missing: [], unbounded: true },
      displayBase,
      displaysInUse: () => [],
    }).launch(state);

    const first = await viewer(store.socketPathOf('one'), true);
    clients.push(first);
    let firstClosed = false;
    first.on('close', () => (firstClosed = true));
    clients.push(await viewer(store.socketPathOf('one'), false));

    // Xvnc would close the first at once if it gave the second the screen alone.
    await new Promise(r => setTimeout(r, 500));
    expect(firstClosed).toBe(false);
    // And the first still gets its screen when it asks.
    const updated = new Promise(r => first.once('data', r));
    first.write(Buffer.from([3, 0, 0, 0, 0, 0, 0, 16, 0, 16]));
    await updated;
  });
});
