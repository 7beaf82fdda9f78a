import { CustomErrorBase } from '@backstage/errors';
import type {
  ConsoleOptions,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import type { KubeVirtCluster } from './clusters';
import { toKubeApiError } from './KubeApiError';
import { openSubresource, readBody } from './openVncConsole';
import type { VncStream, VncStreamOptions } from './vncStream';

/**
 * The port of the VNC server the golden images run inside the guest, on the
 * desktop session (deploy/images/). The desktops' NetworkPolicy lets only
 * virt-api reach it, which is where the portforward subresource dials from.
 */
export const GUEST_VNC_PORT = 5900;

/** At most this long for the guest's RFB greeting before the VM console is shown instead. */
export const GUEST_GREETING_MS = 4000;

// "RFB 003.008\n" (RFC 6143 7.1.1): the server speaks first.
const GREETING = /^RFB \d{3}\.\d{3}\n$/;
const GREETING_LENGTH = 12;

/**
 * The desktop's own display did not answer: the guest is booting, its
 * session is not up, or its VNC server is broken. The message says which,
 * in one short sentence, for the fallback notice.
 */
export class GuestDisplayUnavailableError extends CustomErrorBase {
  name = 'GuestDisplayUnavailableError' as const;
}

function refusalReason(status: number, body: string): string {
  const { message } = toKubeApiError(status, body);
  // virt-api's own words (kubevirt/kubevirt pkg/virt-api/rest/dialers.go
  // `netDial.DialUnderlying`, portforward.go `validateVMIForPortForward`).
  if (/dialing VM: .*connection refused/i.test(message)) {
    return 'nothing listens on its VNC port yet';
  }
  if (/no network interfaces are present/i.test(message)) {
    return 'it has no network address yet';
  }
  if (/VMI is paused/i.test(message)) return 'it is paused';
  return `the API server answered ${status}: ${message}`.slice(0, 120);
}

/**
 * Opens the guest's own VNC server through the VMI's portforward
 * subresource, with the cluster's credentials, and resolves once the guest
 * greeted with an RFB ProtocolVersion, within `greetingMs` of asking. The
 * greeting stays in the stream for the browser. Throws a
 * {@link GuestDisplayUnavailableError} when the guest does not answer, so
 * the caller can show the VM console instead.
 */
export async function openGuestDisplay(
  cluster: KubeVirtCluster,
  ref: WorkspaceRef,
  options: Pick<ConsoleOptions, 'signal'> = {},
  end: Partial<VncStreamOptions> & { greetingMs?: number } = {},
): Promise<VncStream> {
  const greetingMs = Math.min(
    end.greetingMs ?? GUEST_GREETING_MS,
    cluster.timeoutMs,
  );
  // The path form of pkg/virt-api/api.go (`portforward` + PortPath +
  // ProtocolPath); RBAC sees the `virtualmachineinstances/portforward` subresource.
  const { socket, stream } = await openSubresource(
    cluster,
    ref,
    `portforward/${GUEST_VNC_PORT}/tcp`,
    { handshakeMs: greetingMs, signal: options.signal, end },
  );

  const unavailable = (reason: string) =>
    new GuestDisplayUnavailableError(reason);
  let greeting = Buffer.alloc(0);
  let onGreeting: ((data: Buffer) => void) | undefined;
  let onAbort: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            unavailable(
              `no VNC greeting within ${Math.round(greetingMs / 100) / 10} s`,
            ),
          ),
        greetingMs,
      );
      // The stream keeps these bytes for the browser; this only looks.
      onGreeting = (data: Buffer) => {
        greeting = Buffer.concat([greeting, data]).subarray(0, GREETING_LENGTH);
        if (greeting.length < GREETING_LENGTH) return;
        if (GREETING.test(greeting.toString('latin1'))) resolve();
        else reject(unavailable('its VNC port answered something else'));
      };
      socket.on('message', onGreeting);
      socket.once('close', () =>
        reject(unavailable('its VNC server closed the connection at once')),
      );
      socket.once('unexpected-response', (req, res) => {
        readBody(res).then(body => {
          req.destroy();
          reject(unavailable(refusalReason(res.statusCode ?? 0, body)));
        });
      });
      socket.once('error', error =>
        reject(unavailable(`the connection failed: ${error.message}`)),
      );
      onAbort = () => reject(options.signal!.reason ?? new Error('aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  } catch (error) {
    stream.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
    if (onGreeting) socket.off('message', onGreeting);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
  stream.consoleDisplay = { display: 'desktop' };
  return stream;
}
