import fs from 'fs';
import os from 'os';
import path from 'path';
import { Duplex, PassThrough } from 'stream';
import { AddressInfo } from 'net';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import WebSocket from 'ws';
import {
  encodeConsoleTokenProtocol,
  parseConsolePong,
  parseRecording,
} from '@desktop-mania/plugin-workspaces-common';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { authAs } from '../__testUtils__/routeTests';
import {
  startWorkspacesTestBackend,
  WORKSPACES_TEST_CONFIG,
} from '../__testUtils__/testBackend';

// Sessions on desktops of a configured image are recorded as the browser
// received them; others are not, and the banner facts say which.
jest.setTimeout(30_000);

const ALICE = 'user:default/alice';

/** A desktop the test speaks for: what it writes to `fromDesktop` reaches the proxy. */
function desktop() {
  const fromDesktop = new PassThrough();
  const proxySide = new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  fromDesktop.on('data', data => proxySide.push(data));
  return { proxySide, fromDesktop };
}

describe('ConsoleProxy recording', () => {
  let backend: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  let provider: FakeProvider;
  let dir: string;
  let port: number;
  const api = () => request(backend.server);

  async function start() {
    provider = new FakeProvider();
    backend = await startWorkspacesTestBackend({
      providers: [provider],
      config: {
        ...WORKSPACES_TEST_CONFIG,
        workspaces: {
          ...WORKSPACES_TEST_CONFIG.workspaces,
          recording: {
            images: ['ubuntu-desktop'],
            dir,
            maxBytesPerSession: 1000,
            maxTotalBytes: 1000,
          },
        },
      },
    });
    port = (backend.server.address() as AddressInfo).port;
    for (const [name, image] of [
      ['recorded-desk', 'ubuntu-desktop'],
      ['plain-desk', 'windows-11'],
    ]) {
      await api()
        .post('/api/workspaces/workspaces')
        .set(authAs(ALICE))
        .send({ name, image, size: 'small' })
        .expect(201);
    }
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-recordings-'));
    await start();
  });

  afterEach(async () => {
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function session(name: string, chunks: string[]) {
    const { proxySide, fromDesktop } = desktop();
    provider.console = async () => proxySide;
    const ws = new WebSocket(
      `ws://localhost:${port}/api/workspaces/workspaces/${name}/console`,
      ['binary', encodeConsoleTokenProtocol(mockCredentials.user.token(ALICE))],
      { origin: 'http://localhost:3000' },
    );
    const received: Buffer[] = [];
    let recording: boolean | undefined;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) received.push(data);
      else recording ??= parseConsolePong(data.toString())?.recording;
    });
    await new Promise(resolve => ws.on('open', resolve));
    for (const chunk of chunks) {
      fromDesktop.write(Buffer.from(chunk));
      await new Promise(r => setTimeout(r, 20));
    }
    ws.send(JSON.stringify({ type: 'ping', id: 1 }));
    const total = chunks.join('').length;
    while (Buffer.concat(received).length < total || recording === undefined) {
      await new Promise(r => setTimeout(r, 10));
    }
    ws.close(1000, 'bye');
    await new Promise(resolve => ws.on('close', resolve));
    // The recording and the audit entry are written as the session ends.
    await new Promise(r => setTimeout(r, 300));
    return { received: Buffer.concat(received), recording };
  }

  it('records what the browser received on a desktop of a configured image', async () => {
    const workspace = await api()
      .get('/api/workspaces/workspaces/recorded-desk')
      .set(authAs(ALICE))
      .expect(200);
    expect(workspace.body.recorded).toBe(true);

    const chunks = ['RFB 003.008\n', '\x01\x02', 'framebuffer update'];
    const { received, recording } = await session('recorded-desk', chunks);
    expect(recording).toBe(true);

    const list = await api()
      .get('/api/workspaces/workspaces/recorded-desk/recordings')
      .set(authAs(ALICE))
      .expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        workspace: 'recorded-desk',
        actor: ALICE,
        truncated: false,
        endedAt: expect.any(String),
      }),
    ]);
    const { id, bytes } = list.body.items[0];
    const content = await api()
      .get(`/api/workspaces/recordings/${id}/content`)
      .set(authAs(ALICE))
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => done(null, Buffer.concat(parts)));
      })
      .expect(200)
      .expect('Content-Type', 'application/octet-stream');
    expect(content.body.length).toBe(bytes);
    const frames = parseRecording(new Uint8Array(content.body));
    expect(Buffer.concat(frames.map(f => Buffer.from(f.data))).toString()).toBe(
      received.toString(),
    );
    const times = frames.map(f => f.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const audit = await api()
      .get('/api/workspaces/workspaces/recorded-desk/audit')
      .set(authAs(ALICE))
      .expect(200);
    const entry = audit.body.find((a: any) => a.action === 'console');
    expect(entry.message).toContain(`; recorded as ${id}`);
    expect(entry.recordingId).toBe(id);
  });

  it('records nothing on desktops of other images, and says so before connecting', async () => {
    const workspace = await api()
      .get('/api/workspaces/workspaces/plain-desk')
      .set(authAs(ALICE))
      .expect(200);
    expect(workspace.body.recorded).toBeUndefined();
    const { recording } = await session('plain-desk', ['RFB 003.008\n']);
    expect(recording).toBe(false);
    const list = await api()
      .get('/api/workspaces/workspaces/plain-desk/recordings')
      .set(authAs(ALICE))
      .expect(200);
    expect(list.body.items).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('records nothing when the store is full, and says so in the banner facts and the audit', async () => {
    await backend.stop();
    fs.writeFileSync(path.join(dir, 'earlier.dmrec'), Buffer.alloc(1000));
    await start();
    const workspace = await api()
      .get('/api/workspaces/workspaces/recorded-desk')
      .set(authAs(ALICE))
      .expect(200);
    expect(workspace.body.recorded).toBeUndefined();
    const { recording } = await session('recorded-desk', ['RFB 003.008\n']);
    expect(recording).toBe(false);
    const list = await api()
      .get('/api/workspaces/workspaces/recorded-desk/recordings')
      .set(authAs(ALICE))
      .expect(200);
    expect(list.body.items).toEqual([]);
    const audit = await api()
      .get('/api/workspaces/workspaces/recorded-desk/audit')
      .set(authAs(ALICE))
      .expect(200);
    const entry = audit.body.find((a: any) => a.action === 'console');
    expect(entry.message).toMatch(
      /; not recorded: the recording store is full \(1000 of 1000 bytes\)$/,
    );
    expect(entry).not.toHaveProperty('recordingId');
  });
});
