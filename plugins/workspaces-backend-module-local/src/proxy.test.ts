import fs from 'fs';
import os from 'os';
import path from 'path';
import { AddressInfo } from 'net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the module is tested inside the plugin it extends
import workspacesPlugin from '@desktop-mania/plugin-workspaces-backend';
import { encodeConsoleTokenProtocol } from '@desktop-mania/plugin-workspaces-common';
import { RfbClient, websocketTransport } from '@internal/test-support';
import request from 'supertest';
import WebSocket from 'ws';
import { LocalWorkspaceProvider } from './LocalWorkspaceProvider';
import { workspacesModuleLocal } from './module';
import { absentPrograms } from './__testUtils__/installed';

jest.setTimeout(60_000);

const missing = absentPrograms('the proxy-to-Xvnc test');
const describeIfInstalled = missing.length ? describe.skip : describe;

describeIfInstalled('the console proxy in front of a real Xvnc', () => {
  it('relays a real RFB session, authenticated as the browser does, and audits it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-xvnc-'));
    const backend = await startTestBackend({
      features: [
        workspacesPlugin,
        workspacesModuleLocal,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            workspaces: {
              images: [
                { name: 'debian-desktop', title: 'Debian', os: 'linux' },
              ],
              sizes: [{ name: 'small', title: 'Small', geometry: '800x600' }],
              // A home this machine surely has free: an order larger than
              // the free disk is refused.
              limits: { diskGi: { min: 1, max: 2, default: 1 } },
              local: {
                dataDir,
                displayBase: 800 + Math.floor(Math.random() * 100),
                uidBase: 1_930_000_000 + Math.floor(Math.random() * 1_000_000),
              },
            },
          },
        }),
      ],
    });
    const alice = {
      Authorization: mockCredentials.user.header('user:default/alice'),
    };
    try {
      const ordered = await request(backend.server)
        .post('/api/workspaces/workspaces')
        .set(alice)
        .send({ name: 'real', image: 'debian-desktop', size: 'small' });
      // The body names why a machine refused, which a bare status would hide.
      expect({ status: ordered.status, body: ordered.body }).toMatchObject({
        status: 201,
      });
      const { port } = backend.server.address() as AddressInfo;
      const ws = new WebSocket(
        `ws://localhost:${port}/api/workspaces/workspaces/real/console`,
        [
          'binary',
          encodeConsoleTokenProtocol(
            mockCredentials.user.token('user:default/alice'),
          ),
        ],
        { origin: 'http://localhost:3000' },
      );
      const transport = websocketTransport(ws);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const client = new RfbClient(transport);
      await client.handshake();
      expect([client.width, client.height]).toEqual([800, 600]);
      client.request(false, 0, 0, client.width, client.height);
      expect(await client.readUpdate()).toBeGreaterThanOrEqual(800 * 600 * 4);
      const closed = new Promise(r => ws.once('close', r));
      client.close();
      await closed;
      await new Promise(r => setTimeout(r, 300));
      const audit = await request(backend.server)
        .get('/api/workspaces/workspaces/real/audit')
        .set(alice)
        .expect(200);
      expect(
        audit.body.find((a: any) => a.action === 'console').message,
      ).toMatch(/B from the desktop, closed 1000/);
      await request(backend.server)
        .delete('/api/workspaces/workspaces/real')
        .set(alice)
        .expect(204);
    } finally {
      await backend.stop();
      // Desktops outlive the backend by design, so a failed run's desktop goes here.
      const cleaner = await LocalWorkspaceProvider.fromOptions({
        dataDir,
        displayBase: 800,
        logger: mockServices.logger.mock(),
      });
      for (const w of await cleaner.list('local'))
        await cleaner.delete({ name: w.name, cluster: 'local' });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
