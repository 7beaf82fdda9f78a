import { Duplex } from 'stream';
import { AddressInfo } from 'net';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import WebSocket from 'ws';
import {
  encodeConsoleTokenProtocol,
  parseConsoleDisplayMessage,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleOptions,
  ConsoleStream,
} from '@desktop-mania/plugin-workspaces-node';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import {
  startWorkspacesTestBackend,
  WORKSPACES_TEST_CONFIG,
} from '../__testUtils__/testBackend';

// Which display the browser asked for reaches the provider, and which one
// it got reaches the browser before any RFB.
jest.setTimeout(30_000);

const ALICE = 'user:default/alice';

function desktop(shown?: ConsoleStream['consoleDisplay']): ConsoleStream {
  const stream: ConsoleStream = Object.assign(
    new Duplex({
      read() {},
      write(_c, _e, cb) {
        cb();
      },
    }),
    { consoleDisplay: shown },
  );
  stream.push(Buffer.from('RFB 003.008\n'));
  return stream;
}

describe('ConsoleProxy display', () => {
  let backend: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  let port: number;
  const asked: ConsoleOptions[] = [];
  let shown: ConsoleStream['consoleDisplay'];
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    const provider = new FakeProvider();
    provider.console = async (_ref, options) => {
      asked.push(options ?? {});
      return desktop(shown);
    };
    backend = await startWorkspacesTestBackend({
      providers: [provider],
      config: WORKSPACES_TEST_CONFIG,
    });
    port = (backend.server.address() as AddressInfo).port;
    await request(backend.server)
      .post('/api/workspaces/workspaces')
      .set({ Authorization: mockCredentials.user.header(ALICE) })
      .send({ name: 'alice-desk', image: 'ubuntu-desktop', size: 'small' })
      .expect(201);
  });

  afterEach(async () => {
    sockets.splice(0).forEach(ws => ws.terminate());
    asked.length = 0;
    shown = undefined;
    await backend.stop();
  });

  /** The first two frames: the display message, then the desktop's RFB greeting. */
  async function open(query = '') {
    const ws = new WebSocket(
      `ws://localhost:${port}/api/workspaces/workspaces/alice-desk/console${query}`,
      ['binary', encodeConsoleTokenProtocol(mockCredentials.user.token(ALICE))],
      { origin: 'http://localhost:3000' },
    );
    sockets.push(ws);
    const frames: Array<{ data: Buffer; isBinary: boolean }> = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer, isBinary) => {
        frames.push({ data, isBinary });
        if (frames.length === 2) resolve();
      });
      ws.on('close', (code, reason) => reject(new Error(`${code} ${reason}`)));
    });
    return frames;
  }

  it('asks for the desktop display unless the browser names the console', async () => {
    shown = { display: 'desktop' };
    // One at a time: the test config allows two sessions per person.
    for (const query of ['', '?display=console', '?display=bogus']) {
      await open(query);
      const ws = sockets.pop()!;
      ws.close();
      await new Promise(r => ws.once('close', r));
      await new Promise(r => setTimeout(r, 100));
    }
    expect(asked.map(o => o.display)).toEqual([
      'desktop',
      'console',
      'desktop',
    ]);
  });

  it('tells the browser which display it got, before any RFB', async () => {
    shown = {
      display: 'console',
      fallback: "The desktop's own display is not answering: no VNC greeting",
      displays: ['desktop', 'console'],
    };
    const [first, second] = await open();
    expect(first.isBinary).toBe(false);
    expect(parseConsoleDisplayMessage(first.data.toString())).toEqual({
      type: 'display',
      display: 'console',
      fallback: "The desktop's own display is not answering: no VNC greeting",
      displays: ['desktop', 'console'],
    });
    expect(second).toMatchObject({ isBinary: true });
    expect(second.data.toString()).toBe('RFB 003.008\n');
  });

  it('sends nothing but RFB for a provider with one display', async () => {
    const ws = new WebSocket(
      `ws://localhost:${port}/api/workspaces/workspaces/alice-desk/console`,
      ['binary', encodeConsoleTokenProtocol(mockCredentials.user.token(ALICE))],
      { origin: 'http://localhost:3000' },
    );
    sockets.push(ws);
    const [data, isBinary] = await new Promise<[Buffer, boolean]>(resolve =>
      ws.once('message', (d: Buffer, binary: boolean) => resolve([d, binary])),
    );
    expect(isBinary).toBe(true);
    expect(data.toString()).toBe('RFB 003.008\n');
  });
});
