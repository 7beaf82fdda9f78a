import http from 'http';
import { AddressInfo } from 'net';
import { mockCredentials } from '@backstage/backend-test-utils';
import { encodeConsoleTokenProtocol } from '@desktop-mania/plugin-workspaces-common';
import { websocketTransport } from '@internal/test-support';
import request from 'supertest';
import WebSocket, { WebSocketServer } from 'ws';
import { ALICE, startKubeVirtBackend } from './__testUtils__/backend';
import { vmPayload } from './__testUtils__/payloads';

/**
 * A loopback stand-in for an API server with KubeVirt: just the REST calls an
 * order makes, and the VMI's VNC subresource as a websocket that speaks first,
 * like KubeVirt's, and echoes what it gets.
 */
async function startApiServer() {
  const vncRequests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = req.url?.split('?')[0] ?? '';
    if (req.method === 'GET' && path.endsWith('/version'))
      return json(200, { gitVersion: 'v1.7.0' });
    if (req.method === 'GET' && path.includes('/virtualmachineinstances'))
      return json(200, { items: [] });
    if (req.method === 'GET' && path.includes('/virtualmachines'))
      return json(200, { items: [vmPayload('alice-dev', 'Running')] });
    if (req.method === 'POST' && path.endsWith('/virtualmachines'))
      return json(201, vmPayload('alice-dev', 'Provisioning'));
    return json(201, {});
  });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: p =>
      p.has('plain.kubevirt.io') ? 'plain.kubevirt.io' : false,
  });
  server.on('upgrade', (req, socket, head) => {
    vncRequests.push(req);
    wss.handleUpgrade(req, socket, head, ws => {
      ws.send(Buffer.from('RFB 003.008\n'));
      ws.on('message', data =>
        ws.send(Buffer.concat([Buffer.from('vm:'), data as Buffer])),
      );
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    vncRequests,
    close: () => new Promise(r => server.close(r)),
  };
}

it('relays the console of a KubeVirt desktop from the VNC subresource to the browser', async () => {
  const api = await startApiServer();
  // Plain HTTP is only for this loopback stand-in.
  const backend = await startKubeVirtBackend({
    url: api.url,
    skipTLSVerify: true,
  });
  try {
    await request(backend.server)
      .post('/api/workspaces/workspaces')
      .set(ALICE)
      .send({ name: 'alice-dev', image: 'ubuntu-desktop', size: 'medium' })
      .expect(201);
    const { port } = backend.server.address() as AddressInfo;
    const ws = new WebSocket(
      `ws://localhost:${port}/api/workspaces/workspaces/alice-dev/console?takeover=true&display=console`,
      [
        'binary',
        encodeConsoleTokenProtocol(
          mockCredentials.user.token('user:default/alice'),
        ),
      ],
      { origin: 'http://localhost:3000' },
    );
    // RFB in binary frames; the proxy's own word in text frames.
    const texts: string[] = [];
    const transport = websocketTransport({
      on: (_event: 'message', listener: (data: Buffer) => void) =>
        ws.on('message', (data: Buffer, isBinary) => {
          if (isBinary) listener(data);
          else texts.push(data.toString());
        }),
      send: data => ws.send(data),
      close: () => ws.close(),
    });
    const received: Buffer[] = [];
    transport.onData(d => received.push(d));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    await new Promise(r => setTimeout(r, 200));
    transport.send(Buffer.from('RFB 003.008\n'));
    await new Promise(r => setTimeout(r, 200));
    expect(Buffer.concat(received).toString()).toBe(
      'RFB 003.008\nvm:RFB 003.008\n',
    );
    expect(texts.map(t => JSON.parse(t))).toEqual([
      { type: 'display', display: 'console', displays: ['desktop', 'console'] },
    ]);
    const vnc = api.vncRequests[0];
    expect(vnc.url).toBe(
      '/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachineinstances/alice-dev/vnc?preserveSession=false',
    );
    expect(vnc.headers.authorization).toBe('Bearer sa-token');
    // The browser side never sees the cluster's credentials.
    expect(ws.protocol).toBe('binary');
    ws.close();
  } finally {
    await backend.stop();
    await api.close();
  }
});
