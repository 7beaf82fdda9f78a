import { Duplex } from 'stream';
import { AddressInfo } from 'net';
import request from 'supertest';
import WebSocket from 'ws';
import { CONSOLE_CLOSE_CODES } from '@desktop-mania/plugin-workspaces-common';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { authAs } from '../__testUtils__/routeTests';
import { startWorkspacesTestBackend } from '../__testUtils__/testBackend';
import { ping, testConsoles } from './__testUtils__/consoles';

// Shared desktops through the real proxy: a watcher's input never reaches
// the desktop, and revoking a share closes the grantee's console.
jest.setTimeout(30_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CAROL = 'user:default/carol'; // in group:default/team-a

const VERSION = Buffer.from('RFB 003.008\n', 'latin1');
const HANDSHAKE = Buffer.concat([VERSION, Buffer.from([1, 0])]);
const UPDATE_REQUEST = Buffer.from([3, 1, 0, 0, 0, 0, 4, 0, 3, 0]);
const KEY = Buffer.from([4, 1, 0, 0, 0, 0, 0, 0x61]);
const POINTER = Buffer.from([5, 1, 0, 10, 0, 20]);
const CLIPBOARD = Buffer.from([6, 0, 0, 0, 0, 0, 0, 3, 0x61, 0x62, 0x63]);
const RESIZE = Buffer.concat([
  Buffer.from([251, 0, 4, 0, 3, 0, 1, 0]),
  Buffer.alloc(16),
]);

/** A desktop that keeps every byte the proxy sent it. */
class RecordingDesktop extends Duplex {
  received = Buffer.alloc(0);
  _read() {}
  _write(chunk: Buffer, _e: BufferEncoding, cb: () => void) {
    this.received = Buffer.concat([this.received, chunk]);
    cb();
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('ConsoleProxy with shared desktops', () => {
  let backend: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  let port: number;
  let desktops: RecordingDesktop[];
  const consoles = testConsoles(() => port);
  const api = () => request(backend.server);

  beforeEach(async () => {
    desktops = [];
    const provider = new FakeProvider();
    provider.console = async () => {
      const desktop = new RecordingDesktop();
      desktops.push(desktop);
      return desktop;
    };
    backend = await startWorkspacesTestBackend({ providers: [provider] });
    port = (backend.server.address() as AddressInfo).port;
    await api()
      .post('/api/workspaces/workspaces')
      .set(authAs(ALICE))
      .send({ name: 'alice-desk', image: 'ubuntu-desktop', size: 'small' })
      .expect(201);
  });

  afterEach(async () => {
    consoles.closeAll();
    await backend.stop();
  });

  const share = (grantee: string, mode: 'view' | 'control') =>
    api()
      .put(
        `/api/workspaces/workspaces/alice-desk/shares/${encodeURIComponent(
          grantee,
        )}`,
      )
      .set(authAs(ALICE))
      .send({ mode, expiresAt: new Date(Date.now() + 3600_000).toISOString() })
      .expect(200);

  async function open(user: string, query = '') {
    const { ws, closed } = await consoles.openConsole(
      user,
      'alice-desk',
      query,
    );
    // The relay starts once the desktop is open.
    for (let i = 0; i < 50 && desktops.length < consoles.sockets.length; i++) {
      await sleep(20);
    }
    return { ws, closed, desktop: desktops[desktops.length - 1] };
  }

  async function until(check: () => boolean) {
    for (let i = 0; i < 100 && !check(); i++) await sleep(20);
  }

  it("drops a watcher's keys, pointer, clipboard and resizes, and lets update requests through", async () => {
    await share(BOB, 'view');
    const { ws, desktop } = await open(BOB);
    // Messages split across frames and joined in one, as a browser may.
    const stream = Buffer.concat([
      HANDSHAKE,
      UPDATE_REQUEST,
      KEY,
      POINTER,
      CLIPBOARD,
      RESIZE,
      UPDATE_REQUEST,
    ]);
    const cuts = [0, 5, 13, 20, 31, 45, stream.length];
    for (let i = 1; i < cuts.length; i++) {
      ws.send(stream.subarray(cuts[i - 1], cuts[i]));
    }
    const expected = Buffer.concat([
      VERSION,
      Buffer.from([1, 1]), // the shared flag, forced
      UPDATE_REQUEST,
      UPDATE_REQUEST,
    ]);
    await until(() => desktop.received.length >= expected.length);
    await sleep(200);
    expect(desktop.received).toEqual(expected);
    const pong = await ping(ws);
    expect(pong.viewOnly).toBe(true);
  });

  it("relays a control grantee's input, and pongs say who is present", async () => {
    await share('group:default/team-a', 'control');
    await share(BOB, 'view');
    const owner = await open(ALICE);
    const carol = await open(CAROL);
    const bob = await open(BOB);
    carol.ws.send(Buffer.concat([HANDSHAKE, KEY, POINTER]));
    await until(() => carol.desktop.received.length >= 28);
    expect(carol.desktop.received).toEqual(
      Buffer.concat([HANDSHAKE, KEY, POINTER]),
    );
    // Presence comes from the lease rows at the next heartbeat.
    await sleep(1200);
    const pong = await ping(bob.ws);
    expect(pong.viewOnly).toBe(true);
    expect(pong.present).toEqual([
      { user: ALICE, mode: 'control' },
      { user: CAROL, mode: 'control' },
      { user: BOB, mode: 'view' },
    ]);
    expect((await ping(owner.ws)).viewOnly).toBe(false);
  });

  it("closes the grantee's console when the share is revoked, and only theirs", async () => {
    await share(BOB, 'view');
    const owner = await open(ALICE);
    const bob = await open(BOB);
    await api()
      .delete(
        `/api/workspaces/workspaces/alice-desk/shares/${encodeURIComponent(
          BOB,
        )}`,
      )
      .set(authAs(ALICE))
      .expect(204);
    expect(await bob.closed).toEqual({
      code: CONSOLE_CLOSE_CODES.forbidden,
      reason: 'Your access to this desktop was revoked',
    });
    await sleep(1200);
    expect(owner.ws.readyState).toBe(WebSocket.OPEN);
    expect((await ping(owner.ws)).present).toEqual([
      { user: ALICE, mode: 'control' },
    ]);
    // And they cannot come back.
    const again = await open(BOB);
    expect((await again.closed).code).toBe(CONSOLE_CLOSE_CODES.notFound);
  });

  it('lets no one a share let in take the desktop over from its owner', async () => {
    await share(CAROL, 'control');
    const owner = await open(ALICE);
    const carol = await open(CAROL, '?takeover=true');
    // A takeover would close the owner within a heartbeat.
    await sleep(1500);
    expect(owner.ws.readyState).toBe(WebSocket.OPEN);
    expect(carol.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a view-only session that sends what the filter cannot follow', async () => {
    await share(BOB, 'view');
    const { ws, closed, desktop } = await open(BOB);
    ws.send(HANDSHAKE);
    await until(() => desktop.received.length === 14);
    ws.send(Buffer.concat([UPDATE_REQUEST, Buffer.from([99, 0, 0, 0])]));
    expect(await closed).toEqual({
      code: 1008,
      reason: 'View-only console: Unknown RFB client message type 99',
    });
    expect(desktop.received).toEqual(
      Buffer.concat([VERSION, Buffer.from([1, 1])]),
    );
  });
});
