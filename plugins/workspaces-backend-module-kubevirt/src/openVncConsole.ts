import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import WebSocket, { createWebSocketStream } from 'ws';
import {
  ConflictError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ConsoleInUseError } from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleOptions,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import type { KubeVirtCluster } from './clusters';

/** The only subprotocol of KubeVirt's VNC websocket: raw RFB in binary messages. */
export const VNC_SUBPROTOCOL = 'plain.kubevirt.io';

// What KubeVirt answers when preserveSession=true meets a connected viewer.
const SEAT_TAKEN = /active vnc connection/i;

function refusal(status: number, body: string, ref: WorkspaceRef): Error {
  let message = body.trim();
  try {
    message = JSON.parse(body).message ?? message;
  } catch {
    // KubeVirt answers some refusals in plain text.
  }
  if (SEAT_TAKEN.test(message)) {
    return new ConsoleInUseError(
      `Someone else is connected to the desktop '${ref.name}' (${message})`,
    );
  }
  switch (status) {
    case 400:
    case 404:
    case 409:
      // 400: the VMI is not running; 404: a stopped VM has no VMI at all.
      return new ConflictError(
        `The desktop '${ref.name}' is not running${
          message ? ` (${message})` : ''
        }`,
      );
    case 401:
    case 403:
      return new NotAllowedError(
        `The portal's service account may not open consoles on cluster '${ref.cluster}' (${message}); it needs get on virtualmachineinstances/vnc`,
      );
    default:
      return new ServiceUnavailableError(
        `Cluster '${ref.cluster}' refused the console of '${ref.name}' with ${status}: ${message}`,
      );
  }
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise(resolve => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', chunk => {
      // A refusal is a short Status; never buffer more.
      if (body.length < 64 * 1024) body += chunk;
    });
    res.on('end', () => resolve(body));
    res.on('error', () => resolve(body));
  });
}

/**
 * Opens the VMI's VNC subresource with the cluster's own credentials and TLS
 * settings and resolves once the websocket is open, with a binary stream of
 * the raw RFB bytes. Credentials stay on this side of the stream.
 */
export async function openVncConsole(
  cluster: KubeVirtCluster,
  ref: WorkspaceRef,
  options: ConsoleOptions = {},
): Promise<Duplex> {
  const url = `${cluster.url.replace(
    /^http/,
    'ws',
  )}/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(
    cluster.namespace,
  )}/virtualmachineinstances/${encodeURIComponent(
    ref.name,
  )}/vnc?preserveSession=${options.preserveSession ? 'true' : 'false'}`;
  const wsOptions: WebSocket.ClientOptions = {
    handshakeTimeout: cluster.timeoutMs,
    perMessageDeflate: false,
  };
  await cluster.kubeConfig.applyToHTTPSOptions(wsOptions);
  options.signal?.throwIfAborted();

  const socket = new WebSocket(url, [VNC_SUBPROTOCOL], wsOptions);
  // KubeVirt speaks first (its RFB version): the stream must be listening before the socket opens.
  const stream = createWebSocketStream(socket);
  // Errors before open are answered through the promise below.
  stream.on('error', () => undefined);

  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (req, res) => {
        readBody(res).then(body => {
          req.destroy();
          reject(refusal(res.statusCode ?? 0, body, ref));
        });
      });
      socket.once('error', error =>
        reject(
          new ServiceUnavailableError(
            `Cluster '${ref.cluster}' could not be reached for the console of '${ref.name}': ${error.message}`,
          ),
        ),
      );
      onAbort = () => reject(options.signal!.reason ?? new Error('aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  } catch (error) {
    stream.destroy();
    throw error;
  } finally {
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
  return stream;
}
