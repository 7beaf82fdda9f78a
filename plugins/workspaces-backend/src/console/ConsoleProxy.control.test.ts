import { Duplex } from 'stream';
import { AddressInfo } from 'net';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import WebSocket from 'ws';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import {
  startWorkspacesTestBackend,
  WORKSPACES_TEST_CONFIG,
} from '../__testUtils__/testBackend';
import { ping, testConsoles } from './__testUtils__/consoles';

// The control channel beside the RFB stream: pings answered with the
// session's idle time and the desktop's viewers, and the idle rule itself.
jest.setTimeout(30_000);

const ALICE = 'user:default/alice';
const CAROL = 'user:default/carol';
const IDLE_MS = 1500;

const quietDesktop = () =>
  new Duplex({
    read() {},
    write(_c, _e, cb) {
      cb();
    },
  });

const POINTER = Buffer.from([5, 0, 0, 10, 0, 20]);
const UPDATE_REQUEST = Buffer.from([3, 1, 0, 0, 0, 0, 4, 0, 3, 0]);

describe('ConsoleProxy control channel', () => {
  let backend: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  let port: number;
  const consoles = testConsoles(() => port);

  beforeEach(async () => {
    const provider = new FakeProvider();
    provider.console = async () => quietDesktop();
    backend = await startWorkspacesTestBackend({
      providers: [provider],
      config: {
        ...WORKSPACES_TEST_CONFIG,
        workspaces: {
          ...WORKSPACES_TEST_CONFIG.workspaces,
          console: { maxSessionsPerUser: 2, idleTimeout: { seconds: 1.5 } },
        },
      },
    });
    port = (backend.server.address() as AddressInfo).port;
    await request(backend.server)
      .post('/api/workspaces/workspaces')
      .set({ Authorization: mockCredentials.user.header(ALICE) })
      .send({
        name: 'team-desk',
        image: 'ubuntu-desktop',
        size: 'small',
        owner: 'group:default/team-a',
      })
      .expect(201);
  });

  afterEach(async () => {
    consoles.closeAll();
    await backend.stop();
  });

  const open = async (user = ALICE) =>
    (await consoles.openConsole(user, 'team-desk')).ws;

  const closed = (ws: WebSocket) =>
    new Promise<number>(resolve => ws.on('close', code => resolve(code)));

  /** Sends a frame every 200 ms for `ms`, resolving with whether the socket stayed open. */
  async function keepSending(ws: WebSocket, frame: () => unknown, ms: number) {
    for (let t = 0; t < ms; t += 200) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      frame();
      await new Promise(r => setTimeout(r, 200));
    }
    return ws.readyState === WebSocket.OPEN;
  }

  it('answers pings with the idle timeout and the viewers of the desktop', async () => {
    const first = await open(ALICE);
    expect(await ping(first)).toMatchObject({
      type: 'pong',
      idleTimeoutMs: IDLE_MS,
      viewers: 1,
    });
    // Another person with access, and another tab of the same person.
    const second = await open(CAROL);
    const third = await open(ALICE);
    expect((await ping(first)).viewers).toBe(3);
    expect((await ping(second)).viewers).toBe(3);
    third.close();
    await closed(third);
    await new Promise(r => setTimeout(r, 50));
    expect((await ping(first)).viewers).toBe(2);
  });

  it('counts key, pointer and clipboard messages as input, and nothing the client sends on its own', async () => {
    const ws = await open();
    // Update requests and pings alone let the session go idle on time.
    const started = Date.now();
    const done = closed(ws);
    const stayed = await keepSending(
      ws,
      () => {
        ws.send(UPDATE_REQUEST);
        ws.send(JSON.stringify({ type: 'ping', id: 0 }));
      },
      5000,
    );
    expect(stayed).toBe(false);
    expect(await done).toBe(4408);
    const after = Date.now() - started;
    expect(after).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(after).toBeLessThan(IDLE_MS + 1000);
  });

  it('keeps a session with input open, and reports how long it has been idle', async () => {
    const ws = await open();
    expect(await keepSending(ws, () => ws.send(POINTER), 2500)).toBe(true);
    expect((await ping(ws)).idleMs).toBeLessThan(400);
    await new Promise(r => setTimeout(r, 700));
    const { idleMs } = await ping(ws);
    expect(idleMs).toBeGreaterThanOrEqual(650);
    expect(idleMs).toBeLessThan(IDLE_MS);
    expect(await closed(ws)).toBe(4408);
  });

  it('closes on a text frame that is not a ping', async () => {
    const ws = await open();
    const done = closed(ws);
    ws.send(JSON.stringify({ type: 'pong', id: 1 }));
    expect(await done).toBe(1003);
  });
});
