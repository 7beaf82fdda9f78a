import fs from 'fs';
import {
  connectViewer,
  describeWithXvnc,
  RfbReader,
  useRealXvncDesktop,
} from './__testUtils__/realXvnc';

// The console's Fit mode sends SetDesktopSize for the browser window's size.
// This starts the real Xvnc as the launcher does and asks it for one.
jest.setTimeout(30_000);

const displayBase = 9100 + Math.floor(Math.random() * 80);

/** The desktop sizes a FramebufferUpdate announces, with its reason (x) and status (y). */
async function sizesInUpdate(rfb: RfbReader) {
  const header = await rfb.read(4);
  if (header[0] !== 0) throw new Error(`Message ${header[0]}, not an update`);
  const sizes = [];
  for (let i = header.readUInt16BE(2); i > 0; i--) {
    const rect = await rfb.read(12);
    if (rect.readInt32BE(8) !== -308) {
      throw new Error(
        `Encoding ${rect.readInt32BE(8)}, not ExtendedDesktopSize`,
      );
    }
    const screens = (await rfb.read(4))[0];
    await rfb.read(16 * screens);
    sizes.push({
      reason: rect.readUInt16BE(0),
      status: rect.readUInt16BE(2),
      width: rect.readUInt16BE(4),
      height: rect.readUInt16BE(6),
    });
  }
  return sizes;
}

describeWithXvnc('DesktopLauncher with the real Xvnc', () => {
  const desktop = useRealXvncDesktop('launcher-resize-', displayBase);

  it('starts the desktop at the ordered geometry and resizes it when the console asks', async () => {
    const { state, socketPath } = await desktop.launch('one');

    // Said outright, so no default elsewhere can turn it off.
    expect(
      fs.readFileSync(`/proc/${state.xvnc!.pid}/cmdline`, 'utf8').split('\0'),
    ).toContain('-AcceptSetDesktopSize=1');

    const viewer = await connectViewer(socketPath, true); // shared, as noVNC connects
    const client = desktop.track(viewer.socket);
    const rfb = viewer.rfb;
    expect(viewer.size).toEqual({ width: 1280, height: 800 });

    // SetEncodings: ExtendedDesktopSize only, then a full update request.
    const encodings = Buffer.alloc(8);
    encodings.writeUInt8(2, 0);
    encodings.writeUInt16BE(1, 2);
    encodings.writeInt32BE(-308, 4);
    const request = Buffer.from([3, 0, 0, 0, 0, 0, 5, 0, 3, 32]);
    client.write(Buffer.concat([encodings, request]));
    expect(await sizesInUpdate(rfb)).toEqual([
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
      answer = (await sizesInUpdate(rfb)).find(s => s.reason === 1);
    }
    expect(answer).toEqual({ reason: 1, status: 0, width: 1366, height: 705 });
  });
});
