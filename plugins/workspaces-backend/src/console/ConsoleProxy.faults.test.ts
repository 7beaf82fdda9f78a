import { once } from 'events';
import type { IncomingMessage, ServerResponse } from 'http';
import { AddressInfo, connect as tcpConnect, Socket } from 'net';
import { Duplex } from 'stream';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import WebSocket from 'ws';
import { encodeConsoleTokenProtocol } from '@desktop-mania/plugin-workspaces-common';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { startWorkspacesTestBackend } from '../__testUtils__/testBackend';
import { ping } from './__testUtils__/consoles';

// Faults an attacker or a flaky network produces, against a real backend.
jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const ORIGIN = 'http://localhost:3000';

/** A desktop that accepts every console and never speaks. */
const silentDesktop = () =>
  new Duplex({
    read() {},
    write(_c, _e, cb) {
      cb();
    },
  });

/** Sends a raw upgrade request; resolves with the whole answer, or ''. */
function rawAnswer(port: number, path: string): Promise<string> {
  return new Promise(resolve => {
    const socket: Socket = tcpConnect(port, '127.0.0.1', () => {
      socket.write(
        [
          `GET ${path} HTTP/1.1`,
          `Host: localhost:${port}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          '',
          '',
        ].join('\r\n'),
      );
    });
    let answer = '';
    socket.on('data', d => (answer += d.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => {});
  });
}

/** The status line of the answer to a raw upgrade request, or 'closed'. */
async function rawUpgrade(port: number, path: string): Promise<string> {
  return (await rawAnswer(port, path)).split('\r\n')[0] || 'closed';
}

async function openSockets(server: { getConnections(cb: any): void }) {
  return new Promise<number>((resolve, reject) =>
    server.getConnections((error: Error | null, n: number) =>
      error ? reject(error) : resolve(n),
    ),
  );
}

describe('ConsoleProxy under faults', () => {
  let provider: FakeProvider;
  let backend: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  let port: number;

  beforeEach(async () => {
    provider = new FakeProvider();
    provider.console = async () => silentDesktop();
    backend = await startWorkspacesTestBackend({ providers: [provider] });
    port = (backend.server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    await backend.stop();
  });

  const openConsole = (name = 'alice-desk') =>
    new WebSocket(
      `ws://localhost:${port}/api/workspaces/workspaces/${name}/console`,
      ['binary', encodeConsoleTokenProtocol(mockCredentials.user.token(ALICE))],
      { origin: ORIGIN },
    );

  const order = () =>
    request(backend.server)
      .post('/api/workspaces/workspaces')
      .set({ Authorization: mockCredentials.user.header(ALICE) })
      .send({ name: 'alice-desk', image: 'ubuntu-desktop', size: 'small' })
      .expect(201);

  it('takes upgrades from startup on, before any request reaches the plugin', async () => {
    // Until the console claims its paths Node hands an upgrade to the app as
    // a plain request, whose answer says nothing of origins. Only the
    // console's own check refuses a console without one.
    let answer = '';
    for (let i = 0; i < 50 && !answer.includes('may not open'); i++) {
      if (i) await new Promise(r => setTimeout(r, 100));
      answer = await rawAnswer(
        port,
        '/api/workspaces/workspaces/alice-desk/console',
      );
    }
    expect(answer).toMatch(
      /^HTTP\/1.1 403 Forbidden[^]*Origin '\(none\)' may not open consoles/,
    );
  });

  it("hands upgrades on others' paths to the app, as Node does with no listener", async () => {
    // The signals backend subscribes to `upgrade` only once an upgrade
    // request reaches its router as a plain request
    // (@backstage/plugin-signals-backend dist/service/router.cjs.js,
    // upgradeMiddleware); answering such upgrades here would lock it out.
    await order(); // the console has claimed its paths from here on
    const app = backend.server.listeners('request')[0] as (
      req: IncomingMessage,
      res: ServerResponse,
    ) => void;
    const seen: string[] = [];
    backend.server.removeAllListeners('request');
    backend.server.on(
      'request',
      (req: IncomingMessage, res: ServerResponse) => {
        if (req.headers.upgrade) seen.push(`${req.headers.upgrade} ${req.url}`);
        app(req, res);
      },
    );
    expect(await rawUpgrade(port, '/api/signals')).toBe(
      'HTTP/1.1 404 Not Found',
    );
    expect(seen).toEqual(['websocket /api/signals']);
    // Its own paths stay the console's: the app never sees them.
    await rawUpgrade(port, '/api/workspaces/workspaces/alice-desk/console');
    expect(seen).toEqual(['websocket /api/signals']);
  });

  it('answers and closes every upgrade nobody handles', async () => {
    await order(); // the proxy is attached from here on
    const before = await openSockets(backend.server);
    const paths = [
      '/api/nothing',
      '/api/workspaces/workspaces/alice-desk/console/',
      '//api/workspaces/workspaces/alice-desk/console',
      '/api/workspaces/flavors',
    ];
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        rawUpgrade(port, paths[i % paths.length]),
      ),
    );
    await new Promise(r => setTimeout(r, 200));
    const after = await openSockets(backend.server);
    console.log(
      `upgrade flood: 300 unhandled upgrades, sockets before ${before}, after ${after}; answers ${[
        ...new Set(answers),
      ].join(' | ')}`,
    );
    // Each answered as the app or the console answers it, then closed.
    expect(answers.filter((_, i) => i % paths.length !== 3)).toEqual(
      Array(225).fill('HTTP/1.1 404 Not Found'),
    );
    expect(answers.filter((_, i) => i % paths.length === 3)).toEqual(
      Array(75).fill('HTTP/1.1 200 OK'),
    );
    expect(after).toBeLessThanOrEqual(before);
  });

  it('refuses a malformed desktop name without failing', async () => {
    await order();
    expect(
      await rawUpgrade(port, '/api/workspaces/workspaces/%E0%A4%A/console'),
    ).toBe('HTTP/1.1 400 Bad Request');
    // Still serving.
    await request(backend.server)
      .get('/api/workspaces/flavors')
      .set({ Authorization: mockCredentials.user.header(ALICE) })
      .expect(200);
  });

  it('lets no more parallel opens through than the per-person limit', async () => {
    await order();
    const sockets = Array.from({ length: 20 }, () => openConsole());
    // Every console is accepted first and refused after its seat check, so
    // an open says nothing yet; under load a refusal comes seconds after
    // it. Only a session with a seat relays, so only it answers a ping.
    const outcomes = await Promise.all(
      sockets.map(
        ws =>
          new Promise<string>(resolve => {
            ws.on('open', () => ping(ws).then(() => resolve('held')));
            ws.on('close', code => resolve(`closed ${code}`));
          }),
      ),
    );
    const held = sockets.filter((_, i) => outcomes[i] === 'held');
    const refused = outcomes.filter(o => o === 'closed 4429').length;
    console.log(
      `session limit: 20 parallel opens, limit 2, ${
        held.length
      } held, ${refused} closed with 4429; ${outcomes.join(', ')}`,
    );
    expect(held).toHaveLength(2);
    expect(refused).toBe(18);
    // Once every other open is settled the seats are still granted.
    await Promise.all(
      held.map(ws => Promise.race([ping(ws), once(ws, 'close')])),
    );
    expect(held.map(ws => ws.readyState)).toEqual([
      WebSocket.OPEN,
      WebSocket.OPEN,
    ]);
    sockets.forEach(ws => ws.close());
  });
});
