import http from 'http';
import https from 'https';
import WebSocket from 'ws';
import type { KubeConfig } from '@kubernetes/client-node';
import { rootDiskName } from '../buildVirtualMachine';
import { VNC_SUBPROTOCOL } from '../openVncConsole';
import { AdminCluster, CDI, KUBEVIRT, serverOf } from './adminCluster';
import type { RawAnswer } from './record';

/** The body as the API server sent it: JSON when it is JSON, the text otherwise. */
function readBody(res: http.IncomingMessage) {
  return new Promise<unknown>(resolve => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', chunk => (text += chunk));
    res.on('end', () => {
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    });
  });
}

/**
 * One request as `kubeConfig`'s user, keeping the API server's answer
 * exactly as sent: the provider turns refusals into errors, recordings want
 * the body.
 */
export async function rawRequest(
  kubeConfig: KubeConfig,
  method: string,
  path: string,
  body?: object,
): Promise<RawAnswer> {
  const url = new URL(`${serverOf(kubeConfig)}${path}`);
  const options: https.RequestOptions = {
    method,
    headers: {
      Accept: 'application/json',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
  };
  await kubeConfig.applyToHTTPSOptions(options);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, options, async res =>
      resolve({
        request: { method, path },
        status: res.statusCode ?? 0,
        body: await readBody(res),
      }),
    );
    req.setTimeout(30_000, () =>
      req.destroy(new Error(`${method} ${path} timed out`)),
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/**
 * Opens a VMI's VNC websocket as `kubeConfig`'s user and reports how the
 * upgrade was answered: a refusal's status and body, or 101 when it opened
 * (the socket is closed at once).
 */
export async function rawVncAnswer(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  preserveSession: boolean,
): Promise<RawAnswer> {
  const path = `/apis/subresources.kubevirt.io/v1/namespaces/${namespace}/virtualmachineinstances/${name}/vnc?preserveSession=${preserveSession}`;
  const options: WebSocket.ClientOptions = {
    handshakeTimeout: 30_000,
    perMessageDeflate: false,
  };
  await kubeConfig.applyToHTTPSOptions(options);
  const socket = new WebSocket(
    `${serverOf(kubeConfig).replace(/^http/, 'ws')}${path}`,
    [VNC_SUBPROTOCOL],
    options,
  );
  const request = { method: 'GET', path };
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.terminate();
      resolve({ request, status: 101, body: null });
    });
    socket.once('unexpected-response', async (req, res) => {
      const body = await readBody(res);
      req.destroy();
      resolve({ request, status: res.statusCode ?? 0, body });
    });
    socket.once('error', reject);
  });
}

/** The raw VM, VMI and root DataVolume, for recordings; what is missing is left out. */
export async function rawDesktop(
  admin: AdminCluster,
  namespace: string,
  name: string,
) {
  const [vm, vmi, dataVolume] = await Promise.all([
    admin.customObject(KUBEVIRT, namespace, 'virtualmachines', name),
    admin.customObject(KUBEVIRT, namespace, 'virtualmachineinstances', name),
    admin.customObject(CDI, namespace, 'datavolumes', rootDiskName(name)),
  ]);
  return { vm, vmi, dataVolume };
}
