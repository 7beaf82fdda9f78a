import http from 'http';
import type net from 'net';
import { WebSocketServer } from 'ws';

/**
 * The websocket server of virt-api's subresources: it upgrades only with
 * the `plain.kubevirt.io` subprotocol (client-go
 * kubevirt/typed/core/v1/websocket.go `NewUpgrader`).
 */
export const plainKubevirtUpgrades = () =>
  new WebSocketServer({
    noServer: true,
    handleProtocols: protocols =>
      protocols.has('plain.kubevirt.io') ? 'plain.kubevirt.io' : false,
  });

/** Refuses an upgrade as the API server does: a Status body and the connection closed. */
export function refuseUpgrade(
  socket: net.Socket,
  status: number,
  body: unknown,
) {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${
      http.STATUS_CODES[status]
    }\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(
      text,
    )}\r\nConnection: close\r\n\r\n${text}`,
  );
}
