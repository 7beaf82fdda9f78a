import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { resolveBinaries } from '../binaries';
import { DesktopLauncher } from '../DesktopLauncher';
import { DesktopState, DesktopStore } from '../DesktopStore';
import { isAlive } from '../processes';
import { newDesktop } from './orders';

export const XVNC = '/usr/bin/Xvnc';

if (!fs.existsSync(XVNC)) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Xvnc tests: ${XVNC} is not installed`);
}

/** `describe` where Debian's tigervnc-standalone-server is installed. */
export const describeWithXvnc = fs.existsSync(XVNC) ? describe : describe.skip;

/** Bytes from an RFB server, read in order as they arrive. */
export class RfbReader {
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
}

/**
 * Connects to a desktop's socket and completes the RFB 3.8 handshake with
 * no authentication, as the console proxy does; answers the ServerInit's
 * framebuffer size.
 */
export async function connectViewer(socketPath: string, shared: boolean) {
  const socket = net.connect(socketPath);
  const rfb = new RfbReader(socket);
  const version = (await rfb.read(12)).toString();
  if (!/^RFB 003\.00\d\n$/.test(version)) {
    throw new Error(`Not an RFB server: ${JSON.stringify(version)}`);
  }
  socket.write('RFB 003.008\n');
  const types = await rfb.read((await rfb.read(1))[0]);
  if (!types.includes(1))
    throw new Error(`No "None" security in ${[...types]}`);
  socket.write(Buffer.from([1]));
  if ((await rfb.read(4)).readUInt32BE(0) !== 0) {
    throw new Error('Security handshake failed');
  }
  socket.write(Buffer.from([shared ? 1 : 0]));
  const init = await rfb.read(24);
  await rfb.read(init.readUInt32BE(20));
  const size = { width: init.readUInt16BE(0), height: init.readUInt16BE(2) };
  return { socket, rfb, size };
}

/**
 * A desktop started by the real launcher on the real Xvnc, with its session
 * replaced by a sleeping stand-in (no sandbox needed); cleaned up after each
 * test, including the lock and socket a killed Xvnc leaves behind.
 */
export function useRealXvncDesktop(prefix: string, displayBase: number) {
  let dir: string;
  let state: DesktopState | undefined;
  const sockets: net.Socket[] = [];

  beforeEach(() => {
    fs.mkdirSync('/tmp/.X11-unix', { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => {
    sockets.splice(0).forEach(s => s.destroy());
    for (const ref of [state?.xvnc, state?.session]) {
      if (ref && isAlive(ref)) process.kill(ref.pid, 'SIGKILL');
    }
    if (state?.display !== undefined) {
      fs.rmSync(`/tmp/.X${state.display}-lock`, { force: true });
      fs.rmSync(`/tmp/.X11-unix/X${state.display}`, { force: true });
    }
    state = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  return {
    async launch(name: string) {
      const store = await DesktopStore.open({
        dataDir: path.join(dir, 'desktops'),
        asRoot: false,
        uidBase: 1_900_000_000,
      });
      const desktop = store.add(newDesktop(name));
      state = desktop;
      store.makeHome(desktop);
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
        limits: {
          cgroups: [],
          homeImages: false,
          missing: [],
          unbounded: true,
        },
        displayBase,
        displaysInUse: () => [],
      }).launch(desktop);
      return { state: desktop, socketPath: store.socketPathOf(name) };
    },
    /** Closed after the test, whoever opened them. */
    track(socket: net.Socket) {
      sockets.push(socket);
      return socket;
    },
  };
}
