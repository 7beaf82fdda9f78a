import type { IncomingMessage } from 'http';
import WebSocket from 'ws';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { ConsoleInUseError } from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleOptions,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import type { KubeVirtCluster } from './clusters';
import { isNotFound, toKubeApiError } from './KubeApiError';
import { toBackstageError } from './toBackstageError';
import { VncStream, type VncStreamOptions } from './vncStream';

/** The only subprotocol of KubeVirt's VNC websocket: raw RFB in binary messages. */
export const VNC_SUBPROTOCOL = 'plain.kubevirt.io';

// What virt-handler answers when preserveSession=true meets a connected
// viewer (kubevirt/kubevirt pkg/virt-handler/rest/console.go `VNCHandler`);
// virt-api passes it on inside a 500 InternalError
// (pkg/virt-api/rest/dialers.go `handlerDial.Dial`).
const SEAT_TAKEN = /active vnc connection\.?( request denied\.)?/i;

function refusal(
  status: number,
  body: string,
  cluster: KubeVirtCluster,
  ref: WorkspaceRef,
): Error {
  const error = toKubeApiError(status, body);
  const seatTaken = SEAT_TAKEN.exec(error.message);
  if (seatTaken) {
    // Only KubeVirt's own words: the browser sees at most 120 characters.
    return new ConsoleInUseError(
      `Someone else is connected to the desktop '${ref.name}' (${seatTaken[0]})`,
    );
  }
  // 400 "VMI is not running" (pkg/virt-api/rest/vnc.go `vmiHasDisplay`);
  // 404 NotFound: a stopped VM has no VMI at all.
  if (status === 400 || status === 409 || isNotFound(error)) {
    return new ConflictError(
      `The desktop '${ref.name}' is not running (${error.message})`,
    );
  }
  return toBackstageError(error, {
    cluster,
    verb: 'get',
    resource: 'virtualmachineinstances/vnc',
    name: ref.name,
  });
}

export function readBody(res: IncomingMessage): Promise<string> {
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
 * A websocket to one of a VMI's subresources (`vnc`, `portforward/…`) with
 * the cluster's credentials, as the stream a console relays.
 */
export async function openSubresource(
  cluster: KubeVirtCluster,
  ref: WorkspaceRef,
  subresource: string,
  options: {
    handshakeMs: number;
    signal?: AbortSignal;
    end: Partial<VncStreamOptions>;
  },
) {
  const url = `${cluster.url.replace(
    /^http/,
    'ws',
  )}/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(
    cluster.namespace,
  )}/virtualmachineinstances/${encodeURIComponent(ref.name)}/${subresource}`;
  const wsOptions: WebSocket.ClientOptions = {
    handshakeTimeout: options.handshakeMs,
    perMessageDeflate: false,
  };
  await cluster.kubeConfig.applyToHTTPSOptions(wsOptions);
  options.signal?.throwIfAborted();
  const socket = new WebSocket(url, [VNC_SUBPROTOCOL], wsOptions);
  const stream = new VncStream(socket, {
    keepaliveMs: options.end.keepaliveMs ?? 20_000,
    explainEnd: options.end.explainEnd ?? (async () => undefined),
  });
  return { socket, stream };
}

/**
 * Opens the VMI's VNC subresource with the cluster's own credentials and TLS
 * settings and resolves once the websocket is open, with a binary stream of
 * the raw RFB bytes. Credentials stay on this side of the stream. When
 * KubeVirt drops the connection, the stream ends with the error `end`
 * explains it with.
 */
export async function openVncConsole(
  cluster: KubeVirtCluster,
  ref: WorkspaceRef,
  options: ConsoleOptions = {},
  end: Partial<VncStreamOptions> = {},
): Promise<VncStream> {
  const { socket, stream } = await openSubresource(
    cluster,
    ref,
    `vnc?preserveSession=${options.preserveSession ? 'true' : 'false'}`,
    { handshakeMs: cluster.timeoutMs, signal: options.signal, end },
  );

  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (req, res) => {
        readBody(res).then(body => {
          req.destroy();
          reject(refusal(res.statusCode ?? 0, body, cluster, ref));
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
