import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Duplex } from 'stream';
import { mockServices } from '@backstage/backend-test-utils';
import { RfbClient, socketTransport } from '@internal/test-support';
import { LocalWorkspaceProvider } from './LocalWorkspaceProvider';
import {
  inDesktop,
  readState,
  terminalMapped,
  waitUntil,
} from './__testUtils__/desktops';
import { absentPrograms } from './__testUtils__/installed';
import { order } from './__testUtils__/orders';

jest.setTimeout(120_000);

const missing = absentPrograms('the typing and font tests on a real desktop', [
  '/usr/bin/nsenter',
  '/usr/bin/xdotool',
]);
const describeIfInstalled = missing.length ? describe.skip : describe;

// fonts-noto-cjk, which scripts/lib.sh installs for local desktops.
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const cjkMissing = !fs.existsSync(CJK_FONT);
if (!missing.length && cjkMissing) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the CJK font test on a real desktop; missing: ${CJK_FONT} (Debian package fonts-noto-cjk)`,
  );
}
const describeWithCjkFont = cjkMissing ? describe.skip : describe;

const RETURN = 0xff0d;

/** An RFB KeyEvent (RFC 6143 §7.5.4), as noVNC sends it when the server ignores scancodes. */
const keyEvent = (keysym: number, down: boolean) => {
  const message = Buffer.alloc(8);
  message[0] = 4;
  message[1] = down ? 1 : 0;
  message.writeUInt32BE(keysym, 4);
  return message;
};

describeIfInstalled('typing and reading on a real local desktop', () => {
  let dataDir: string;
  let provider: LocalWorkspaceProvider;
  let socket: Duplex;
  let client: RfbClient;
  const ref = { name: 'typing', cluster: 'local' };
  const typed = () => path.join(dataDir, 'typing', 'home', 'typed.txt');
  const lines = () =>
    fs.existsSync(typed())
      ? fs.readFileSync(typed(), 'utf8').split('\n').slice(0, -1)
      : [];
  /** The line typed after `marker`, which no other line starts with. */
  const lineOf = (marker: string) => lines().find(l => l.startsWith(marker));
  const type = async (keysyms: number[]) => {
    for (const keysym of keysyms) {
      socket.write(keyEvent(keysym, true));
      socket.write(keyEvent(keysym, false));
      // Xvnc applies keys as they come; xterm reads them at its own pace.
      await new Promise(r => setTimeout(r, 5));
    }
  };
  const ascii = (text: string) => [...text].map(c => c.charCodeAt(0));

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'typing-'));
    provider = await LocalWorkspaceProvider.fromOptions({
      dataDir,
      displayBase: 700 + Math.floor(Math.random() * 90),
      uidBase: 1_970_000_000 + Math.floor(Math.random() * 1_000_000),
      logger: mockServices.logger.mock(),
    });
    await provider.create(order({ name: 'typing', diskGi: 1 }));
    await waitUntil(
      () => terminalMapped(dataDir, 'typing'),
      'the terminal is on the screen',
    );
    socket = await provider.openConsole(ref);
    client = new RfbClient(socketTransport(socket));
    await client.handshake();
    // The shell in the terminal writes each line typed into the file.
    await waitUntil(
      async () => {
        await type([...ascii('cat > ~/typed.txt'), RETURN]);
        await new Promise(r => setTimeout(r, 1000));
        return fs.existsSync(typed());
      },
      'the shell in the terminal takes keys',
      20_000,
    );
  });

  afterAll(async () => {
    client?.close();
    await provider.delete(ref).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('types é ü ß €, Cyrillic and Greek as the browser sends them', async () => {
    // noVNC's keysyms: Latin-1 as itself, € as EuroSign, д and α as their
    // legacy keysyms; the console's own typing uses 0x01000000 + code point.
    await type([
      ...ascii('x'),
      0xe9,
      0xfc,
      0xdf,
      0x20ac,
      0x6c4,
      0x7e1,
      0x01000000 + 0x0436,
      0x01000000 + 0x03c9,
      RETURN,
    ]);
    await waitUntil(() => lineOf('x') !== undefined, 'the line is in the file');
    expect(lineOf('x')).toBe('xéüß€дαжω');
  });

  it('keeps typing new characters long after the default keymap would have run out of keycodes', async () => {
    // Xvnc binds each character its keymap lacks to a free keycode for the
    // rest of the session; its default keymap had room for about 19.
    const letters = Array.from({ length: 64 }, (_, i) =>
      String.fromCodePoint(0x0410 + i),
    ).join('');
    await type([
      ...ascii('y'),
      ...[...letters].map(c => 0x01000000 + c.codePointAt(0)!),
      RETURN,
    ]);
    await waitUntil(() => lineOf('y') !== undefined, 'the line is in the file');
    expect(lineOf('y')).toBe(`y${letters}`);
  });

  describeWithCjkFont('with fonts-noto-cjk installed', () => {
    it("finds a font with Japanese glyphs in the desktop's own view of the system", () => {
      const state = readState(dataDir, 'typing');
      // What xterm's fontconfig picks for a hiragana its own font lacks.
      const match = inDesktop(
        state,
        "fc-match -f '%{family[0]}|%{file}' 'Monospace:charset=3042'; echo; fc-list :lang=ja family | wc -l",
      );
      expect(match.stderr).toBe('');
      const [picked, count] = match.stdout.trim().split('\n');
      expect(picked).toMatch(
        /^Noto Sans (Mono )?CJK JP\|\/usr\/share\/fonts\//,
      );
      expect(Number(count)).toBeGreaterThan(0);
    });
  });
});
