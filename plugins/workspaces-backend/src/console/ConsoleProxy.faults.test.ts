import { AddressInfo, connect as tcpConnect, Socket } from 'net';
import { Duplex } from 'stream';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import WebSocket from 'ws';
import { encodeConsoleTokenProtocol } from '@desktop-mania/plugin-workspaces-common';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { startWorkspacesTestBackend } from '../__testUtils__/testBackend';

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
    // Until a listener exists Node hands an upgrade to the app as a plain
    // request, and the app's 404 says nothing about websockets. This path
    // is outside the plugin, so asking cannot attach the proxy itself.
    let answer = '';
    for (let i = 0; i < 50 && !answer.includes('websockets'); i++) {
      if (i) await new Promise(r => setTimeout(r, 100));
      answer = await rawAnswer(port, '/api/nothing');
    }
    expect(answer).toMatch(
      /^HTTP\/1.1 404 Not Found[^]*Nothing accepts websockets at this path/,
    );
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
    expect(new Set(answers)).toEqual(new Set(['HTTP/1.1 404 Not Found']));
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
    const outcomes = await Promise.all(
      sockets.map(
        ws =>
          new Promise<string>(resolve => {
            let opened = false;
            ws.on('open', () => {
              opened = true;
              // A seat held for a moment shows whether it was really granted.
              setTimeout(() => resolve('held'), 500);
            });
            ws.on('close', code => resolve(opened ? `closed ${code}` : 'x'));
          }),
      ),
    );
    const held = outcomes.filter(o => o === 'held').length;
    const refused = outcomes.filter(o => o === 'closed 4429').length;
    console.log(
      `session limit: 20 parallel opens, limit 2, ${held} held, ${refused} closed with 4429`,
    );
    expect(held).toBe(2);
    expect(refused).toBe(18);
    sockets.forEach(ws => ws.close());
  });
});
