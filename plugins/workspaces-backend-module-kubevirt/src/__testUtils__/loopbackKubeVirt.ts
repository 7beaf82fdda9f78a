import type { IncomingMessage, ServerResponse } from 'http';
import https from 'https';
import net, { type AddressInfo } from 'net';
import {
  getResponse,
  http as msw,
  HttpResponse,
  type RequestHandler,
} from 'msw';
import type { WebSocket } from 'ws';
import { VERSION, versionPayload } from './apiServer';
import type { FakeKubeVirt } from './fakeKubeVirt';
import { API, TOKEN } from './fixtures';
import { PAGE_NOT_FOUND, UNAUTHORIZED, VNC } from './refusals';
import { TEST_CERT, TEST_KEY } from './tls';
import { plainKubevirtUpgrades, refuseUpgrade } from './upgrades';

const VNC_PATH =
  /^\/apis\/subresources\.kubevirt\.io\/v1\/namespaces\/([^/]+)\/virtualmachineinstances\/([^/]+)\/vnc(\?.*)?$/;

async function answerWithHandlers(
  handlers: RequestHandler[],
  req: IncomingMessage,
  res: ServerResponse,
  unhandled: string[],
) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === 'string') headers.set(k, v);
  }
  const hasBody = !['GET', 'HEAD'].includes(req.method!);
  const request = new Request(`${API}${req.url}`, {
    method: req.method,
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
  const response = await getResponse(handlers, request);
  if (!response) {
    unhandled.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(PAGE_NOT_FOUND);
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}

/**
 * A real HTTPS API server on 127.0.0.1, with the self-signed certificate of
 * tls.ts, that separate processes reach as adopters configure a cluster
 * (`url`, `serviceAccountToken`, `caData`). REST calls are answered by
 * `fake`'s msw handlers, with KubeVirt's version; the VMI `vnc` subresource
 * is a websocket relayed to the RFB server at `rfbPort`, as virt-handler
 * relays QEMU's. One viewer per VMI, as virt-handler allows
 * (kubevirt/kubevirt pkg/virt-handler/rest/console.go `VNCHandler`, v1.7):
 * with `preserveSession=true` a second one is refused with `VNC.seatTaken`,
 * without it the current one is dropped, with no close frame, for the new
 * one. Tokens other than `token` get the authentication filter's 401.
 */
export async function startLoopbackKubeVirt(options: {
  fake: FakeKubeVirt;
  rfbPort: number;
  gitVersion?: string;
  token?: string;
}) {
  const { fake, rfbPort } = options;
  const handlers = [
    msw.get(VERSION, () =>
      HttpResponse.json(versionPayload(options.gitVersion ?? 'v1.7.0')),
    ),
    ...fake.handlers(),
  ];
  const bearer = `Bearer ${options.token ?? TOKEN}`;
  const unhandled: string[] = [];
  const vncSeen: string[] = [];
  const viewers = new Map<string, Set<WebSocket>>();

  const server = https.createServer({ cert: TEST_CERT, key: TEST_KEY });
  server.on('request', (req, res) => {
    if (req.headers.authorization !== bearer) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(UNAUTHORIZED));
      return;
    }
    answerWithHandlers(handlers, req, res, unhandled).catch(error => {
      res.writeHead(500);
      res.end(String(error));
    });
  });

  const wss = plainKubevirtUpgrades();
  server.on('upgrade', (req: IncomingMessage, socket: net.Socket, head) => {
    socket.on('error', () => {});
    if (req.headers.authorization !== bearer) {
      refuseUpgrade(socket, 401, UNAUTHORIZED);
      return;
    }
    const match = VNC_PATH.exec(req.url!);
    if (!match) {
      unhandled.push(`UPGRADE ${req.url}`);
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${PAGE_NOT_FOUND}`,
      );
      return;
    }
    vncSeen.push(req.url!);
    const name = decodeURIComponent(match[2]);
    if (!fake.vms.has(name)) {
      refuseUpgrade(socket, 404, VNC.noInstance(name));
      return;
    }
    if (!fake.isRunning(name)) {
      refuseUpgrade(socket, 400, VNC.notRunning);
      return;
    }
    const preserve =
      new URLSearchParams(match[3] ?? '').get('preserveSession') === 'true';
    const seated = viewers.get(name) ?? new Set<WebSocket>();
    viewers.set(name, seated);
    if (preserve && seated.size > 0) {
      refuseUpgrade(socket, 500, VNC.seatTaken);
      return;
    }
    for (const other of seated) other.terminate();
    wss.handleUpgrade(req, socket, head, ws => {
      seated.add(ws);
      const screen = net.connect(rfbPort, '127.0.0.1');
      screen.on('error', () => ws.terminate());
      screen.on('data', data => ws.send(data));
      screen.on('close', () => ws.terminate());
      ws.on('message', (data: Buffer) => screen.write(data));
      ws.on('close', () => {
        seated.delete(ws);
        screen.destroy();
      });
    });
  });

  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** For `caData` in a cluster's config. */
    caData: Buffer.from(TEST_CERT).toString('base64'),
    /** Paths of every VNC upgrade asked for, in order. */
    vncSeen,
    /** Requests no handler answered. */
    unhandled,
    /** How many viewers the VMI's VNC has now. */
    viewers: (name: string) => viewers.get(name)?.size ?? 0,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}
