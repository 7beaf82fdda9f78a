import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { resolveBinaries } from './binaries';
import { DesktopLauncher } from './DesktopLauncher';
import { DesktopState, DesktopStore } from './DesktopStore';
import { isAlive } from './processes';
import { newDesktop } from './__testUtils__/orders';

// The console's Fit mode sends SetDesktopSize for the browser window's size.
// This starts the real Xvnc as the launcher does and asks it for one.
const XVNC = '/usr/bin/Xvnc';
const describeWithXvnc = fs.existsSync(XVNC) ? describe : describe.skip;

jest.setTimeout(30_000);

const displayBase = 9100 + Math.floor(Math.random() * 80);

/** Just enough of an RFB client: bytes in order, as they arrive. */
class RfbReader {
  private buffer: Buffer = Buffer.alloc(0);
  private wake?: () => void;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake?.();
    });
  }
  async read(n: number): Promise<Buffer> {
    while (this.buffer.length < n) {
      await new Promise<void>(resolve => (this.wake = resolve));
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }
  /** The desktop sizes a FramebufferUpdate announces, with its reason (x) and status (y). */
  async sizesInUpdate() {
    const header = await this.read(4);
    if (header[0] !== 0) throw new Error(`Message ${header[0]}, not an update`);
    const sizes = [];
    for (let i = header.readUInt16BE(2); i > 0; i--) {
      const rect = await this.read(12);
      if (rect.readInt32BE(8) !== -308) {
        throw new Error(
          `Encoding ${rect.readInt32BE(8)}, not ExtendedDesktopSize`,
        );
      }
      const screens = (await this.read(4))[0];
      await this.read(16 * screens);
      sizes.push({
        reason: rect.readUInt16BE(0),
        status: rect.readUInt16BE(2),
        width: rect.readUInt16BE(4),
        height: rect.readUInt16BE(6),
      });
    }
    return sizes;
  }
}

describeWithXvnc('DesktopLauncher with the real Xvnc', () => {
  let dir: string;
  let state: DesktopState;
  let client: net.Socket | undefined;

  beforeEach(() => {
    fs.mkdirSync('/tmp/.X11-unix', { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-resize-'));
  });
  afterEach(() => {
    client?.destroy();
    for (const ref of [state?.xvnc, state?.session]) {
      if (ref && isAlive(ref)) process.kill(ref.pid, 'SIGKILL');
    }
    // Killed outright, Xvnc leaves its lock and socket behind.
    if (state?.display !== undefined) {
      fs.rmSync(`/tmp/.X${state.display}-lock`, { force: true });
      fs.rmSync(`/tmp/.X11-unix/X${state.display}`, { force: true });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts the desktop at the ordered geometry and resizes it when the console asks', async () => {
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

    // Said outright, so no default elsewhere can turn it off.
    expect(
      fs.readFileSync(`/proc/${state.xvnc!.pid}/cmdline`, 'utf8').split('\0'),
    ).toContain('-AcceptSetDesktopSize=1');

    client = net.connect(store.socketPathOf('one'));
    const rfb = new RfbReader(client);
    expect((await rfb.read(12)).toString()).toMatch(/^RFB 003\.00\d\n$/);
    client.write('RFB 003.008\n');
    const types = await rfb.read((await rfb.read(1))[0]);
    expect([...types]).toContain(1);
    client.write(Buffer.from([1]));
    expect((await rfb.read(4)).readUInt32BE(0)).toBe(0);
    client.write(Buffer.from([1])); // shared, as noVNC connects
    const init = await rfb.read(24);
    expect([init.readUInt16BE(0), init.readUInt16BE(2)]).toEqual([1280, 800]);
    await rfb.read(init.readUInt32BE(20));

    // SetEncodings: ExtendedDesktopSize only, then a full update request.
    const encodings = Buffer.alloc(8);
    encodings.writeUInt8(2, 0);
    encodings.writeUInt16BE(1, 2);
    encodings.writeInt32BE(-308, 4);
    const request = Buffer.from([3, 0, 0, 0, 0, 0, 5, 0, 3, 32]);
    client.write(Buffer.concat([encodings, request]));
    expect(await rfb.sizesInUpdate()).toEqual([
      { reason: 0, status: 0, width: 1280, height: 800 },
    ]);

    // SetDesktopSize to a 1366×768 browser's screen area, one screen.
    const resize = Buffer.alloc(24);
    resize.writeUInt8(251, 0);
    resize.writeUInt16BE(1366, 2);
    resize.writeUInt16BE(705, 4);
    resize.writeUInt8(1, 6);
    resize.writeUInt16BE(1366, 16);
    resize.writeUInt16BE(705, 18);
    client.write(Buffer.concat([resize, request]));
    let answer;
    while (!answer) {
      answer = (await rfb.sizesInUpdate()).find(s => s.reason === 1);
    }
    expect(answer).toEqual({ reason: 1, status: 0, width: 1366, height: 705 });
  });
});
