import http from 'http';
import net from 'net';
import type { AddressInfo } from 'net';
import { PORT_FORWARD } from './refusals';
import { plainKubevirtUpgrades, refuseUpgrade } from './upgrades';

type Refusal = { status: number; body: unknown };

/**
 * A loopback API server for the VMI's websocket subresources as virt-api
 * v1.8 serves them:
 *
 * - `portforward/{port}/tcp` dials the guest first and refuses the upgrade
 *   with a Status when that fails (kubevirt/kubevirt
 *   pkg/virt-api/rest/streamer.go `Handle`, dialers.go
 *   `netDial.DialUnderlying`); here the "guest" is a TCP server on loopback,
 *   reached at `guestPort()`. Once upgraded it relays the guest's bytes as
 *   binary messages both ways (client-go kubevirt/typed/core/v1/websocket.go
 *   `CopyTo`/`CopyFrom`) and drops the socket without a close frame when the
 *   guest closes (streamer.go `cleanupOnClosedContext`).
 * - `vnc` answers like QEMU's VNC server behind virt-handler: it greets with
 *   RFB 3.8 and records what it receives.
 *
 * Both upgrade only with the `plain.kubevirt.io` subprotocol (websocket.go
 * `NewUpgrader`).
 */
export async function startSubresourceServer(options: {
  /** The guest's VNC server port on loopback; undefined when nothing listens. */
  guestPort: () => number | undefined;
  /** A refusal virt-api answers the portforward with before dialing, e.g. no interfaces. */
  refusePortForward?: () => Refusal | undefined;
  refuseVnc?: () => Refusal | undefined;
  /** Answers the REST calls, such as the VMI a dropped console asks for. */
  rest?: http.RequestListener;
}) {
  const seen: string[] = [];
  const vncReceived: Buffer[] = [];
  const server = http.createServer(
    options.rest ??
      ((_req, res) => {
        res.writeHead(404);
        res.end();
      }),
  );
  const wss = plainKubevirtUpgrades();
  const refuse = (socket: net.Socket, { status, body }: Refusal) =>
    refuseUpgrade(socket, status, body);
  server.on('upgrade', (req, socket: net.Socket, head) => {
    seen.push(req.url!);
    const forward = req.url!.match(/\/portforward\/(\d+)\/tcp$/);
    if (forward) {
      const refusal = options.refusePortForward?.();
      if (refusal) {
        refuse(socket, refusal);
        return;
      }
      const port = options.guestPort();
      const address = `10.42.1.7:${forward[1]}`;
      const guest = net.connect(port ?? 1, '127.0.0.1');
      // Refused when the guest's port is closed, as net.Dial reports it.
      guest.once('error', () =>
        refuse(socket, { status: 500, body: PORT_FORWARD.refused(address) }),
      );
      guest.once('connect', () =>
        wss.handleUpgrade(req, socket, head, ws => {
          guest.on('data', data => ws.send(data));
          ws.on('message', (data: Buffer) => guest.write(data));
          guest.on('close', () => ws.terminate());
          ws.on('close', () => guest.destroy());
        }),
      );
      return;
    }
    const refusal = options.refuseVnc?.();
    if (refusal) {
      refuse(socket, refusal);
      return;
    }
    wss.handleUpgrade(req, socket, head, ws => {
      ws.send(Buffer.from('RFB 003.008\n'));
      ws.on('message', (data: Buffer) => vncReceived.push(data));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Upgrade request paths, in order. */
    seen,
    vncReceived,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections?.();
      await new Promise(r => server.close(r));
    },
  };
}
