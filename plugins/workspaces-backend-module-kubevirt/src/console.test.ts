import { AddressInfo } from 'net';
import http from 'http';
import { mockServices } from '@backstage/backend-test-utils';
import { WebSocketServer } from 'ws';
import { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
import { testCluster } from './__testUtils__/fixtures';

/** A stand-in for the API server's VNC subresource, on loopback. */
async function startVncEndpoint(answer: (req: http.IncomingMessage) => { status: number; body: string } | undefined) {
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: p => (p.has('plain.kubevirt.io') ? 'plain.kubevirt.io' : false) });
  server.on('upgrade', (req, socket, head) => {
    seen.push(req);
    const refusal = answer(req);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(refusal.body)}\r\n\r\n${refusal.body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, ws => {
      ws.send(Buffer.from('RFB 003.008\n'));
      ws.on('message', data => ws.send(Buffer.concat([Buffer.from('echo:'), data as Buffer])));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise(r => server.close(r)) };
}

const ref = { name: 'alice-dev', cluster: 'rke2-test' };

describe('KubeVirt console', () => {
  it('opens the VNC subresource with the cluster credentials and relays binary RFB', async () => {
    const endpoint = await startVncEndpoint(() => undefined);
    const provider = new KubeVirtWorkspaceProvider([testCluster({ url: endpoint.url })], mockServices.logger.mock());
    const stream = await provider.openConsole(ref, { preserveSession: true });
    const first = await new Promise<Buffer>(r => stream.once('data', r));
    expect(first.toString()).toBe('RFB 003.008\n');
    stream.write(Buffer.from([1, 2, 3]));
    const echoed = await new Promise<Buffer>(r => stream.once('data', r));
    expect([...echoed]).toEqual([...Buffer.from('echo:'), 1, 2, 3]);
    const req = endpoint.seen[0];
    expect(req.url).toBe('/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachineinstances/alice-dev/vnc?preserveSession=true');
    expect(req.headers.authorization).toBe('Bearer sa-token');
    expect(req.headers['sec-websocket-protocol']).toBe('plain.kubevirt.io');
    stream.destroy();
    await endpoint.close();
  });

  it('takes the seat over unless asked to preserve the session', async () => {
    const endpoint = await startVncEndpoint(() => undefined);
    const provider = new KubeVirtWorkspaceProvider([testCluster({ url: endpoint.url })], mockServices.logger.mock());
    const stream = await provider.openConsole(ref);
    expect(endpoint.seen[0].url).toMatch(/\?preserveSession=false$/);
    stream.destroy();
    await endpoint.close();
  });

  it.each([
    [409, '{"kind":"Status","code":409,"message":"Active VNC connection. Request denied."}', 'ConsoleInUseError'],
    [400, '{"kind":"Status","code":400,"message":"Unable to connect to VM because phase is Scheduling instead of Running"}', 'ConflictError'],
    [403, '{"kind":"Status","code":403,"message":"forbidden"}', 'NotAllowedError'],
    [404, '{"kind":"Status","code":404,"message":"virtualmachineinstance not found"}', 'NotFoundError'],
  ])('maps a %i refusal to %s', async (status, body, name) => {
    const endpoint = await startVncEndpoint(() => ({ status, body }));
    const provider = new KubeVirtWorkspaceProvider([testCluster({ url: endpoint.url })], mockServices.logger.mock());
    await expect(provider.openConsole(ref, { preserveSession: true })).rejects.toMatchObject({ name });
    await endpoint.close();
  });
});
