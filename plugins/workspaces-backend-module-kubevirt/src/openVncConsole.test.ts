import http from 'http';
import https from 'https';
import { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import { WebSocketServer } from 'ws';
import { openVncConsole } from './openVncConsole';
import { testCluster } from './__testUtils__/fixtures';
import { TEST_CERT, TEST_KEY } from './__testUtils__/tls';

type Refusal = { status: number; type?: string; body: string };

/**
 * A loopback stand-in for the API server's VNC subresource: it answers the
 * upgrade like KubeVirt (subprotocol plain.kubevirt.io, the server speaks
 * first) and echoes what it receives, or refuses the upgrade.
 */
async function startVncEndpoint(
  options: {
    tls?: boolean;
    hang?: boolean;
    refuse?: (req: http.IncomingMessage) => Refusal | undefined;
  } = {},
) {
  const seen: http.IncomingMessage[] = [];
  const received: Buffer[] = [];
  const server = options.tls
    ? https.createServer({ cert: TEST_CERT, key: TEST_KEY })
    : http.createServer();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: protocols =>
      protocols.has('plain.kubevirt.io') ? 'plain.kubevirt.io' : false,
  });
  server.on('upgrade', (req, socket, head) => {
    seen.push(req);
    if (options.hang) return;
    const refusal = options.refuse?.(req);
    if (refusal) {
      socket.end(
        `HTTP/1.1 ${refusal.status} Refused\r\nContent-Type: ${
          refusal.type ?? 'application/json'
        }\r\nContent-Length: ${Buffer.byteLength(
          refusal.body,
        )}\r\nConnection: close\r\n\r\n${refusal.body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, ws => {
      ws.send(Buffer.from('RFB 003.008\n'));
      ws.on('message', (data: Buffer, isBinary) => {
        received.push(data);
        if (isBinary) ws.send(Buffer.concat([Buffer.from('echo:'), data]));
      });
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    received,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const req of seen) req.socket.destroy();
      server.closeAllConnections?.();
      await new Promise(r => server.close(r));
    },
  };
}

const ref = { name: 'alice-dev', cluster: 'rke2-test' };
const nextData = (stream: Duplex) =>
  new Promise<Buffer>(r => stream.once('data', r));
let endpoint: Awaited<ReturnType<typeof startVncEndpoint>> | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

describe('openVncConsole', () => {
  it('opens the VNC subresource with the cluster credentials and relays binary RFB both ways', async () => {
    endpoint = await startVncEndpoint();
    const stream = await openVncConsole(
      testCluster({ url: endpoint.url }),
      ref,
      { preserveSession: true },
    );

    expect((await nextData(stream)).toString()).toBe('RFB 003.008\n');
    stream.write(Buffer.from([0x52, 0x46, 0x42, 0x00, 0xff]));
    expect([...(await nextData(stream))]).toEqual([
      ...Buffer.from('echo:'),
      0x52,
      0x46,
      0x42,
      0x00,
      0xff,
    ]);

    const [req] = endpoint.seen;
    expect(req.url).toBe(
      '/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachineinstances/alice-dev/vnc?preserveSession=true',
    );
    expect(req.headers.authorization).toBe('Bearer sa-token');
    expect(req.headers['sec-websocket-protocol']).toBe('plain.kubevirt.io');
    stream.destroy();
  });

  it('takes the seat over unless asked to preserve the session', async () => {
    endpoint = await startVncEndpoint();
    const stream = await openVncConsole(
      testCluster({ url: endpoint.url }),
      ref,
    );
    expect(endpoint.seen[0].url).toMatch(/\/vnc\?preserveSession=false$/);
    stream.destroy();
  });

  it('keeps a path in the cluster URL, as behind Rancher', async () => {
    endpoint = await startVncEndpoint();
    const stream = await openVncConsole(
      testCluster({ url: `${endpoint.url}/k8s/clusters/c-m-1` }),
      ref,
    );
    expect(endpoint.seen[0].url).toMatch(
      /^\/k8s\/clusters\/c-m-1\/apis\/subresources\.kubevirt\.io\/v1\//,
    );
    stream.destroy();
  });

  it('trusts the cluster CA and nothing else over TLS', async () => {
    endpoint = await startVncEndpoint({ tls: true });
    const caData = Buffer.from(TEST_CERT).toString('base64');
    const stream = await openVncConsole(
      testCluster({ url: endpoint.url, caData }),
      ref,
    );
    expect((await nextData(stream)).toString()).toBe('RFB 003.008\n');
    expect(endpoint.seen[0].headers.authorization).toBe('Bearer sa-token');
    stream.destroy();

    await expect(
      openVncConsole(testCluster({ url: endpoint.url }), ref),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /could not be reached for the console of 'alice-dev': .*certificate/i,
      ),
    });
  });

  it.each([
    [
      'a seat in use, in plain text',
      {
        status: 503,
        type: 'text/plain',
        body: 'Active VNC connection. Request denied.',
      },
      'ConsoleInUseError',
      "Someone else is connected to the desktop 'alice-dev' (Active VNC connection. Request denied.)",
    ],
    [
      'a seat in use, as a Status',
      {
        status: 409,
        body: '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Active VNC connection. Request denied.","reason":"Conflict","code":409}',
      },
      'ConsoleInUseError',
      "Someone else is connected to the desktop 'alice-dev' (Active VNC connection. Request denied.)",
    ],
    [
      'a VMI that is not running',
      {
        status: 400,
        body: '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unable to connect to VM because phase is Scheduling instead of Running","reason":"BadRequest","code":400}',
      },
      'ConflictError',
      "The desktop 'alice-dev' is not running (Unable to connect to VM because phase is Scheduling instead of Running)",
    ],
    [
      'a stopped VM, which has no VMI',
      {
        status: 404,
        body: '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"virtualmachineinstance.kubevirt.io \\"alice-dev\\" not found","reason":"NotFound","code":404}',
      },
      'ConflictError',
      'The desktop \'alice-dev\' is not running (virtualmachineinstance.kubevirt.io "alice-dev" not found)',
    ],
    [
      'a service account without the vnc permission',
      {
        status: 403,
        body: '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"virtualmachineinstances.subresources.kubevirt.io \\"alice-dev\\" is forbidden","reason":"Forbidden","code":403}',
      },
      'NotAllowedError',
      expect.stringContaining('it needs get on virtualmachineinstances/vnc'),
    ],
    [
      'a failing virt-api',
      { status: 500, type: 'text/plain', body: 'Internal error' },
      'ServiceUnavailableError',
      "Cluster 'rke2-test' refused the console of 'alice-dev' with 500: Internal error",
    ],
  ])('maps %s to %s', async (_label, refusal, name, message) => {
    endpoint = await startVncEndpoint({ refuse: () => refusal });
    await expect(
      openVncConsole(testCluster({ url: endpoint.url }), ref, {
        preserveSession: true,
      }),
    ).rejects.toMatchObject({ name, message });
  });

  it('reports a cluster that cannot be reached', async () => {
    endpoint = await startVncEndpoint();
    const url = endpoint.url;
    await endpoint.close();
    endpoint = undefined;
    await expect(
      openVncConsole(testCluster({ url }), ref),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('gives up when the caller aborts before the socket opens', async () => {
    endpoint = await startVncEndpoint({ refuse: () => undefined });
    const controller = new AbortController();
    controller.abort(new Error('the browser went away'));
    await expect(
      openVncConsole(testCluster({ url: endpoint.url }), ref, {
        signal: controller.signal,
      }),
    ).rejects.toThrow('the browser went away');
    expect(endpoint.seen).toHaveLength(0);
  });

  it('gives up when the caller aborts while the API server is still answering', async () => {
    endpoint = await startVncEndpoint({ hang: true });
    const controller = new AbortController();
    const opening = openVncConsole(
      testCluster({ url: endpoint.url, timeoutMs: 5000 }),
      ref,
      { signal: controller.signal },
    );
    await new Promise(r => setTimeout(r, 100));
    controller.abort(new Error('the browser went away'));
    await expect(opening).rejects.toThrow('the browser went away');
    expect(endpoint.seen).toHaveLength(1);
  });

  it('gives up on an API server that does not answer the upgrade in time', async () => {
    endpoint = await startVncEndpoint({ hang: true });
    await expect(
      openVncConsole(testCluster({ url: endpoint.url, timeoutMs: 150 }), ref),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('Opening handshake has timed out'),
    });
  });
});
