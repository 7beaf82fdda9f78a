import { Duplex, PassThrough } from 'stream';
import { AddressInfo } from 'net';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import WebSocket from 'ws';
import {
  ConsoleInUseError,
  encodeConsoleTokenProtocol,
} from '@desktop-mania/plugin-workspaces-common';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { startWorkspacesTestBackend } from '../__testUtils__/testBackend';
import { HIGH_WATER_MARK } from './ConsoleProxy';

jest.setTimeout(30_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const ORIGIN = 'http://localhost:3000';

/** Two ends of an in-memory pipe: the proxy gets `proxySide`, the test plays the desktop on `desktopSide`. */
function pipePair() {
  const toDesktop = new PassThrough();
  const fromDesktop = new PassThrough();
  const proxySide = new Duplex({
    read() {},
    write(chunk, _encoding, callback) {
      toDesktop.write(chunk, callback);
    },
  });
  fromDesktop.on('data', data => proxySide.push(data));
  return { proxySide, toDesktop, fromDesktop };
}

describe('ConsoleProxy', () => {
  let provider: FakeProvider;
  let backend: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  let port: number;

  beforeEach(async () => {
    provider = new FakeProvider();
    backend = await startWorkspacesTestBackend({ providers: [provider] });
    port = (backend.server.address() as AddressInfo).port;
    await request(backend.server)
      .post('/api/workspaces/workspaces')
      .set({ Authorization: mockCredentials.user.header(ALICE) })
      .send({ name: 'alice-desk', image: 'ubuntu-desktop', size: 'small' })
      .expect(201);
    provider.calls.length = 0;
  });

  afterEach(async () => {
    await backend.stop();
  });

  function connect(
    options: {
      user?: string;
      token?: string;
      origin?: string | null;
      name?: string;
      query?: string;
      protocols?: string[];
    } = {},
  ) {
    const token =
      options.token ??
      (options.user ? mockCredentials.user.token(options.user) : undefined);
    const protocols = options.protocols ?? [
      'binary',
      ...(token ? [encodeConsoleTokenProtocol(token)] : []),
    ];
    const url = `ws://localhost:${port}/api/workspaces/workspaces/${
      options.name ?? 'alice-desk'
    }/console${options.query ?? ''}`;
    return new WebSocket(
      url,
      protocols,
      options.origin === null ? {} : { origin: options.origin ?? ORIGIN },
    );
  }

  function refusal(ws: WebSocket): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      ws.on('open', () => reject(new Error('the upgrade was accepted')));
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
    });
  }

  function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
    return new Promise(resolve =>
      ws.on('close', (code, reason) =>
        resolve({ code, reason: reason.toString() }),
      ),
    );
  }

  it.each([
    ['a foreign Origin', { user: ALICE, origin: 'https://evil.example' }, 403],
    ['no Origin', { user: ALICE, origin: null }, 403],
    [
      'no binary subprotocol',
      {
        user: ALICE,
        protocols: [
          encodeConsoleTokenProtocol(mockCredentials.user.token(ALICE)),
        ],
      },
      400,
    ],
  ])(
    'refuses %s with an HTTP status, before any upstream connection',
    async (_label, options, status) => {
      const res = await refusal(connect(options as any));
      expect(res.status).toBe(status);
      expect(provider.calls.filter(c => c.op === 'openConsole')).toEqual([]);
    },
  );

  // A browser sees only 1006 for a refused upgrade, so these are accepted
  // and closed with a code and reason the Desktop tab can show.
  it.each([
    ['no token', { token: undefined }, 4401, 'Sign in to open the console'],
    [
      'a forged token',
      { token: mockCredentials.user.invalidToken() },
      4401,
      'Your sign-in is not valid; sign in again',
    ],
    [
      'a token that is not base64',
      { protocols: ['binary', 'desktopmania.token.%%%'] },
      4401,
      'Sign in to open the console',
    ],
    ['another person', { user: BOB }, 4404, "No desktop named 'alice-desk'"],
    [
      'an unknown desktop',
      { user: ALICE, name: 'nope' },
      4404,
      "No desktop named 'nope'",
    ],
  ])(
    'closes for %s with a readable code, before any upstream connection',
    async (_label, options, code, reason) => {
      expect(await closed(connect(options as any))).toEqual({ code, reason });
      expect(provider.calls.filter(c => c.op === 'openConsole')).toEqual([]);
    },
  );

  it('relays binary frames both ways, echoes the subprotocol and audits the session', async () => {
    const { proxySide, toDesktop, fromDesktop } = pipePair();
    provider.console = async () => proxySide;
    const ws = connect({ user: ALICE });
    await new Promise(resolve => ws.on('open', resolve));
    expect(ws.protocol).toBe('binary');
    // The token must not travel in the URL.
    expect(ws.url).not.toMatch(/token/);

    const firstFromDesktop = new Promise<Buffer>(resolve =>
      ws.once('message', d => resolve(d as Buffer)),
    );
    fromDesktop.write(Buffer.from('RFB 003.008\n'));
    expect((await firstFromDesktop).toString()).toBe('RFB 003.008\n');

    const firstToDesktop = new Promise<Buffer>(resolve =>
      toDesktop.once('data', resolve),
    );
    ws.send(Buffer.from([1, 2, 3, 4]));
    expect([...(await firstToDesktop)]).toEqual([1, 2, 3, 4]);

    const done = closed(ws);
    ws.close(1000, 'bye');
    await done;
    // The audit row is written when the session ends.
    await new Promise(r => setTimeout(r, 200));
    const audit = await request(backend.server)
      .get('/api/workspaces/workspaces/alice-desk/audit')
      .set({ Authorization: mockCredentials.user.header(ALICE) })
      .expect(200);
    const consoleRow = audit.body.find((a: any) => a.action === 'console');
    expect(consoleRow.message).toMatch(
      /4 B to and 12 B from the desktop, closed 1000 bye/,
    );
    const metrics = await request(backend.server)
      .get('/api/workspaces/metrics')
      .set({ Authorization: mockCredentials.service.header() })
      .expect(200);
    expect(metrics.text).toMatch(
      /desktopmania_console_bytes_total\{direction="from_desktop"\} 12/,
    );
    expect(metrics.text).toMatch(/desktopmania_console_sessions_active 0/);
  });

  it('surfaces a taken seat as its own close code, and takes it over on request', async () => {
    const seen: Array<boolean | undefined> = [];
    provider.console = async (_ref, options) => {
      seen.push(options?.preserveSession);
      if (options?.preserveSession)
        throw new ConsoleInUseError(
          'Someone else is connected to this desktop',
        );
      return pipePair().proxySide;
    };
    const first = await closed(connect({ user: ALICE }));
    expect(first).toEqual({
      code: 4409,
      reason: 'Someone else is connected to this desktop',
    });

    const ws = connect({ user: ALICE, query: '?takeover=true' });
    await new Promise(resolve => ws.on('open', resolve));
    expect(seen).toEqual([true, false]);
    ws.close();
  });

  it('closes with 4412 when the desktop is not running', async () => {
    provider.console = async () => {
      const e = new Error('The desktop is not running');
      e.name = 'ConflictError';
      throw e;
    };
    expect(await closed(connect({ user: ALICE }))).toEqual({
      code: 4412,
      reason: 'The desktop is not running',
    });
  });

  it.each([
    ['ConflictError', 'The desktop stopped', 4412],
    ['ConsoleInUseError', 'Another viewer took over the desktop', 4409],
    ['ConsoleMigratingError', 'The desktop is moving to another node', 4307],
    ['NotAllowedError', 'The cluster refused the console', 4403],
    ['Error', 'socket hang up', 4502],
  ])(
    'closes a running session ended by a %s with its own code',
    async (name, message, code) => {
      const { proxySide } = pipePair();
      provider.console = async () => proxySide;
      const ws = connect({ user: ALICE });
      await new Promise(resolve => ws.on('open', resolve));
      const done = closed(ws);
      const error = new Error(message);
      error.name = name;
      proxySide.destroy(error);
      expect(await done).toEqual({
        code,
        reason:
          code === 4502 ? `Desktop connection failed: ${message}` : message,
      });
    },
  );

  it('refuses text frames, which RFB never sends', async () => {
    provider.console = async () => pipePair().proxySide;
    const ws = connect({ user: ALICE });
    await new Promise(resolve => ws.on('open', resolve));
    const done = closed(ws);
    ws.send('hello');
    expect((await done).code).toBe(1003);
  });

  it('limits concurrent sessions per person', async () => {
    provider.console = async () => pipePair().proxySide;
    const open = [connect({ user: ALICE }), connect({ user: ALICE })];
    await Promise.all(open.map(ws => new Promise(r => ws.on('open', r))));
    expect(await closed(connect({ user: ALICE }))).toEqual({
      code: 4429,
      reason: 'You have 2 console sessions open; close one first (limit 2)',
    });
    open.forEach(ws => ws.close());
  });

  it('slows the desktop down instead of buffering for a stalled browser', async () => {
    let produced = 0;
    const chunk = Buffer.alloc(64 * 1024, 7);
    const endless = new Duplex({
      read() {
        produced += chunk.length;
        this.push(chunk);
      },
      write(_c, _e, cb) {
        cb();
      },
    });
    provider.console = async () => endless;
    const ws = connect({ user: ALICE });
    await new Promise(resolve => ws.on('open', resolve));
    // The browser stops reading: its socket is paused, TCP buffers fill up.
    (ws as any)._socket.pause();
    await new Promise(r => setTimeout(r, 1500));
    const afterStall = produced;
    await new Promise(r => setTimeout(r, 1000));
    // Without backpressure the producer would have made gigabytes by now.
    expect(afterStall).toBeLessThan(HIGH_WATER_MARK + 64 * 1024 * 1024);
    expect(produced - afterStall).toBeLessThanOrEqual(2 * chunk.length);
    ws.terminate();
  });
});
