import http from 'http';
import https from 'https';
import { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import WebSocket, { WebSocketServer } from 'ws';
import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
import { openVncConsole } from './openVncConsole';
import { testCluster } from './__testUtils__/fixtures';
import { statusPayload } from './__testUtils__/payloads';
import {
  forbidden,
  notFound,
  PAGE_NOT_FOUND,
  VNC,
} from './__testUtils__/refusals';
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
    /** Leave pings unanswered, as a dead connection would. */
    noPong?: boolean;
    /** Answers the REST calls, such as the VMI a dropped console asks for. */
    rest?: http.RequestListener;
  } = {},
) {
  const seen: http.IncomingMessage[] = [];
  const received: Buffer[] = [];
  const sockets: WebSocket[] = [];
  let pings = 0;
  const server = options.tls
    ? https.createServer({ cert: TEST_CERT, key: TEST_KEY })
    : http.createServer(options.rest);
  const wss = new WebSocketServer({
    noServer: true,
    autoPong: !options.noPong,
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
      sockets.push(ws);
      ws.on('ping', () => pings++);
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
    pings: () => pings,
    /** Drops the connection without a close frame, as virt-handler does (pkg/virt-handler/rest/console.go `stream`). */
    drop: () => sockets.forEach(ws => ws.terminate()),
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

  const json = (body: unknown) => JSON.stringify(body);
  it.each([
    [
      'a seat in use (preserveSession=true while someone is connected)',
      'ConsoleInUseError',
      { status: 500, body: json(VNC.seatTaken) },
      "Someone else is connected to the desktop 'alice-dev' (Active VNC connection. Request denied.)",
    ],
    [
      'a VMI that is not running',
      'ConflictError',
      { status: 400, body: json(VNC.notRunning) },
      "The desktop 'alice-dev' is not running (VMI is not running)",
    ],
    [
      'a stopped VM, which has no VMI',
      'ConflictError',
      { status: 404, body: json(VNC.noInstance('alice-dev')) },
      'The desktop \'alice-dev\' is not running (virtualmachineinstance.kubevirt.io "alice-dev" not found)',
    ],
    [
      'a service account without the vnc permission',
      'NotAllowedError',
      {
        status: 403,
        body: json(
          forbidden(
            'get',
            'virtualmachineinstances/vnc',
            'subresources.kubevirt.io',
            'alice-dev',
          ),
        ),
      },
      expect.stringMatching(
        /^The portal's service account may not get virtualmachineinstances\/vnc in namespace 'workspaces' on cluster 'rke2-test'; .* cannot get resource "virtualmachineinstances\/vnc" in API group "subresources\.kubevirt\.io"/,
      ),
    ],
    [
      'a cluster without KubeVirt',
      'ServiceUnavailableError',
      { status: 404, type: 'text/plain; charset=utf-8', body: PAGE_NOT_FOUND },
      expect.stringMatching(
        /^KubeVirt is not installed on cluster 'rke2-test': the API server answered '404 page not found' for subresources\.kubevirt\.io\/v1/,
      ),
    ],
    [
      'a virt-api that cannot reach virt-handler',
      'ServiceUnavailableError',
      {
        status: 500,
        body: json(
          statusPayload(
            500,
            'InternalError',
            'Internal error occurred: dial tcp 10.42.1.5:8186: connect: connection refused',
          ),
        ),
      },
      "Cluster 'rke2-test' answered 500 to get virtualmachineinstances/vnc: Internal error occurred: dial tcp 10.42.1.5:8186: connect: connection refused",
    ],
  ])('maps %s to %s', async (_label, name, refusal, message) => {
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
    // Abort only once the request is at the server: a fixed pause lost that
    // race on a loaded machine and aborted before the socket opened.
    for (let waited = 0; endpoint.seen.length === 0 && waited < 4000; ) {
      await new Promise(r => setTimeout(r, 20));
      waited += 20;
    }
    expect(endpoint.seen).toHaveLength(1);
    controller.abort(new Error('the browser went away'));
    await expect(opening).rejects.toThrow('the browser went away');
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

  it('ends the stream with the error that explains why KubeVirt dropped it', async () => {
    endpoint = await startVncEndpoint();
    const explainEnd = jest.fn(
      async () => new ConflictError("The desktop 'alice-dev' stopped"),
    );
    const stream = await openVncConsole(
      testCluster({ url: endpoint.url }),
      ref,
      {},
      { explainEnd },
    );
    await nextData(stream);
    const failed = new Promise<Error>(r => stream.once('error', r));
    endpoint.drop();
    expect(await failed).toMatchObject({
      name: 'ConflictError',
      message: "The desktop 'alice-dev' stopped",
    });
    expect(explainEnd).toHaveBeenCalledTimes(1);
  });

  it('ends cleanly when nothing explains the drop, and asks nothing when the portal closes', async () => {
    endpoint = await startVncEndpoint();
    const explainEnd = jest.fn(async () => undefined);
    const stream = await openVncConsole(
      testCluster({ url: endpoint.url }),
      ref,
      {},
      { explainEnd },
    );
    stream.resume();
    const ended = new Promise(r => stream.once('end', r));
    endpoint.drop();
    await ended;

    const second = await openVncConsole(
      testCluster({ url: endpoint.url }),
      ref,
      {},
      { explainEnd },
    );
    second.destroy();
    await new Promise(r => setTimeout(r, 50));
    expect(explainEnd).toHaveBeenCalledTimes(1);
  });

  it('pings KubeVirt, and gives up on a connection that stops answering', async () => {
    endpoint = await startVncEndpoint();
    const stream = await openVncConsole(
      testCluster({ url: endpoint.url }),
      ref,
      {},
      { keepaliveMs: 30 },
    );
    stream.resume();
    await new Promise(r => setTimeout(r, 200));
    expect(endpoint.pings()).toBeGreaterThanOrEqual(3);
    expect(stream.destroyed).toBe(false);
    stream.destroy();
    await endpoint.close();

    endpoint = await startVncEndpoint({ noPong: true });
    const explainEnd = jest.fn(async (cause?: Error) => cause);
    const silent = await openVncConsole(
      testCluster({ url: endpoint.url }),
      ref,
      {},
      { keepaliveMs: 30, explainEnd },
    );
    silent.resume();
    await expect(
      new Promise((_, reject) => silent.once('error', reject)),
    ).rejects.toThrow('KubeVirt did not answer a ping within 30 ms');
  });

  it('through the provider, ends the console of a desktop that stopped with a ConflictError', async () => {
    endpoint = await startVncEndpoint({
      rest: (_req, res) => {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify(
            notFound('virtualmachineinstances', 'kubevirt.io', 'alice-dev'),
          ),
        );
      },
    });
    const provider = new KubeVirtWorkspaceProvider(
      [testCluster({ url: endpoint.url })],
      mockServices.logger.mock(),
    );
    const stream = await provider.openConsole(ref, { display: 'console' });
    expect((await nextData(stream)).toString()).toBe('RFB 003.008\n');
    const failed = new Promise<Error>(r => stream.once('error', r));
    endpoint.drop();
    expect(await failed).toMatchObject({
      name: 'ConflictError',
      message:
        "The console closed because the desktop 'alice-dev' stopped; start it to connect again",
    });
  });
});
