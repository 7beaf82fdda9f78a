import type http from 'http';
import net from 'net';
import type { Duplex } from 'stream';
import WebSocket, { WebSocketServer } from 'ws';
import { startSyntheticRfbServer } from '@internal/test-support';
import { statusPayload } from '../../__testUtils__/payloads';
import { PORT_FORWARD, VNC } from '../../__testUtils__/refusals';
import type { SimulatedRbac } from './simulatedRbac';
import { attributesOf, objectKey, type Store } from './simulatedStore';

const refuse = (socket: Duplex, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(
      text,
    )}\r\n\r\n${text}`,
  );
};

/** Joins a viewer to the guest's display, as virt-handler joins it to QEMU's socket. */
function connect(ws: WebSocket, display: number) {
  const desktop = net.connect(display, '127.0.0.1');
  desktop.on('data', data => ws.send(data));
  desktop.on('error', () => ws.terminate());
  desktop.on('close', () => ws.terminate());
  ws.on('message', (data: Buffer) => desktop.write(data));
  ws.on('close', () => desktop.destroy());
}

/**
 * The VNC subresource as virt-api serves it: one seat per instance, taken
 * over unless the newcomer asks to preserve the session, and behind it a
 * display that speaks RFB. Beside it the portforward subresource to the
 * guest's own VNC server on port 5900, which lets viewers share
 * (kubevirt/kubevirt pkg/virt-api/rest/portforward.go: no seat, the VMI
 * must exist; the golden images' server is AlwaysShared).
 */
export class SimulatedVnc {
  private readonly viewers = new Map<string, WebSocket>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: protocols =>
      protocols.has('plain.kubevirt.io') ? 'plain.kubevirt.io' : false,
  });

  private constructor(
    private readonly store: Store,
    private readonly rbac: SimulatedRbac,
    private readonly display: { port: number; close(): void },
    private readonly guestDisplay: { port: number; close(): void },
  ) {}

  static async start(store: Store, rbac: SimulatedRbac) {
    const display = await startSyntheticRfbServer({ width: 1280, height: 800 });
    const guest = await startSyntheticRfbServer({ width: 1280, height: 800 });
    return new SimulatedVnc(store, rbac, display, guest);
  }

  closeViewer(namespace: string, name: string) {
    // virt-handler drops the connection without a close frame.
    this.viewers.get(`${namespace}/${name}`)?.terminate();
    this.viewers.delete(`${namespace}/${name}`);
  }

  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url!, 'http://sim');
    const a = attributesOf('GET', url.pathname);
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.rbac.allowed(token, a))
      return refuse(socket, 403, statusPayload(403, 'Forbidden', 'vnc'));
    const seat = `${a.namespace}/${a.name}`;
    if (
      !this.store.has(
        objectKey(
          'kubevirt.io',
          a.namespace,
          'virtualmachineinstances',
          a.name!,
        ),
      )
    ) {
      return refuse(
        socket,
        404,
        a.subresource === 'portforward'
          ? PORT_FORWARD.noInstance(a.name!)
          : VNC.noInstance(a.name!),
      );
    }
    if (a.subresource === 'portforward') {
      if (!url.pathname.endsWith('/portforward/5900/tcp')) {
        return refuse(socket, 500, PORT_FORWARD.refused('10.42.1.7:5901'));
      }
      return this.wss.handleUpgrade(req, socket, head, ws =>
        connect(ws, this.guestDisplay.port),
      );
    }
    if (
      this.viewers.has(seat) &&
      url.searchParams.get('preserveSession') === 'true'
    ) {
      return refuse(socket, 500, VNC.seatTaken);
    }
    this.closeViewer(a.namespace!, a.name!);
    return this.wss.handleUpgrade(req, socket, head, ws => {
      this.viewers.set(seat, ws);
      ws.on('close', () => {
        if (this.viewers.get(seat) === ws) this.viewers.delete(seat);
      });
      connect(ws, this.display.port);
    });
  }

  close() {
    for (const ws of this.wss.clients) ws.terminate();
    this.display.close();
    this.guestDisplay.close();
  }
}
