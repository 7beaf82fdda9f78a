import { mockCredentials } from '@backstage/backend-test-utils';
import WebSocket from 'ws';
import {
  encodeConsoleTokenProtocol,
  parseConsolePong,
  type ConsolePong,
} from '@desktop-mania/plugin-workspaces-common';

/**
 * Consoles opened on a test backend as the browser opens them: the token
 * subprotocol and the app's origin. `port` is read at each open, as each
 * test starts its own backend; `closeAll` ends what a test left open.
 */
export function testConsoles(port: () => number) {
  const sockets: WebSocket[] = [];
  return {
    sockets,
    /** Opens `name`'s console as `user`; rejects if the proxy closes it first. */
    async openConsole(user: string, name: string, query = '') {
      const ws = new WebSocket(
        `ws://localhost:${port()}/api/workspaces/workspaces/${name}/console${query}`,
        [
          'binary',
          encodeConsoleTokenProtocol(mockCredentials.user.token(user)),
        ],
        { origin: 'http://localhost:3000' },
      );
      sockets.push(ws);
      const closed = new Promise<{ code: number; reason: string }>(resolve =>
        ws.on('close', (code, reason) =>
          resolve({ code, reason: reason.toString() }),
        ),
      );
      await new Promise((resolve, reject) => {
        ws.on('open', resolve);
        ws.on('close', code => reject(new Error(`closed ${code}`)));
      });
      return { ws, closed };
    },
    closeAll() {
      sockets.splice(0).forEach(ws => ws.terminate());
    },
  };
}

let nextPingId = 1;

/** Sends a ping on the control channel and resolves with its pong. */
export function ping(ws: WebSocket): Promise<ConsolePong> {
  const id = nextPingId++;
  return new Promise(resolve => {
    const onMessage = (data: Buffer, isBinary: boolean) => {
      const pong = isBinary ? undefined : parseConsolePong(data.toString());
      if (pong?.id !== id) return;
      ws.off('message', onMessage);
      resolve(pong);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'ping', id }));
  });
}
