/*
 * The portal's relay code (plugins/workspaces-backend/src/console/relay.ts)
 * in a process of its own with only `ws`: no Backstage, no auth, admission,
 * recording or metrics. The input-latency benchmark puts it beside the
 * portal's proxy to tell the relay's own cost from the shared event loop's.
 * Forked with the desktop's unix socket as argv[2]; sends its port over IPC.
 * The path picks how it sends (`/batched`, `/unbatched`, `/held`: see
 * RelayMode). SIGUSR2 writes the hops to BENCH_HOPS_FILE (relayHops.ts).
 */
import http from 'http';
import net from 'net';
import type { AddressInfo } from 'net';
import { WebSocketServer } from 'ws';
import { relayToBrowser } from '../../plugins/workspaces-backend/src/console/relay';
import {
  dumpHopsOnSignal,
  instrumentRelay,
  RELAY_MODES,
  type RelayMode,
} from './relayHops';

const target = process.argv[2];
// As the portal's ConsoleProxy: a browser slower than this pauses the desktop.
const HIGH_WATER_MARK = 1024 * 1024;

const server = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({
  server,
  perMessageDeflate: false,
  handleProtocols: protocols => (protocols.has('binary') ? 'binary' : false),
});

wss.on('connection', (ws, req) => {
  const asked = (req.url ?? '').slice(1) as RelayMode;
  const mode = RELAY_MODES.includes(asked) ? asked : 'batched';
  const upstream = net.connect(target);
  let finished = false;
  const finish = () => {
    finished = true;
    upstream.destroy();
    ws.terminate();
  };
  ws.pause();
  upstream.once('connect', () => {
    relayToBrowser(
      instrumentRelay(
        {
          upstream,
          ws,
          socket: (ws as unknown as { _socket: net.Socket })._socket,
          highWaterMark: HIGH_WATER_MARK,
          onChunk: () => {},
          isFinished: () => finished,
        },
        `bare relay${mode === 'batched' ? '' : `, ${mode}`}`,
        mode,
      ),
    );
    ws.on('message', (data: Buffer) => {
      if (!upstream.write(data)) {
        ws.pause();
        upstream.once('drain', () => ws.resume());
      }
    });
    ws.resume();
  });
  upstream.on('error', finish);
  upstream.on('close', finish);
  ws.on('close', finish);
});

dumpHopsOnSignal(process.env.BENCH_HOPS_FILE ?? '/dev/null');
server.listen(0, '127.0.0.1', () =>
  process.send?.({ port: (server.address() as AddressInfo).port }),
);
