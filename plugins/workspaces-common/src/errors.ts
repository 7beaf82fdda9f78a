import { CustomErrorBase } from '@backstage/errors';

/**
 * The desktop's single console seat is taken by another session; the caller
 * may take it over. KubeVirt allows one VNC session per VMI.
 * @public
 */
export class ConsoleInUseError extends CustomErrorBase {
  name = 'ConsoleInUseError' as const;
}

/** Websocket close codes the console proxy uses, in the 4000 range that RFC 6455 leaves to applications. @public */
export const CONSOLE_CLOSE_CODES = {
  unauthenticated: 4401,
  forbidden: 4403,
  notFound: 4404,
  inUse: 4409,
  notRunning: 4412,
  tooManySessions: 4429,
  idle: 4408,
  /** The desktop moved to another node (live migration): connect again at once. */
  migrating: 4307,
  upstreamFailed: 4502,
} as const;

/** The subprotocol the console speaks: raw RFB in binary frames. @public */
export const CONSOLE_PROTOCOL = 'binary';
/** Prefix of the subprotocol that carries the caller's Backstage token, because browsers cannot set headers on websockets. @public */
export const CONSOLE_TOKEN_PROTOCOL_PREFIX = 'desktopmania.token.';

// Subprotocols allow only RFC 7230 token characters; base64url keeps any
// token format inside that set. Tokens are ASCII, so btoa/atob suffice.
/**
 * The subprotocol that carries a Backstage token to the console proxy.
 * @public
 */
export function encodeConsoleTokenProtocol(token: string): string {
  const b64 = btoa(token)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return `${CONSOLE_TOKEN_PROTOCOL_PREFIX}${b64}`;
}

/**
 * The token inside a console subprotocol, or undefined if it is not one.
 * @public
 */
export function decodeConsoleTokenProtocol(
  protocol: string,
): string | undefined {
  if (!protocol.startsWith(CONSOLE_TOKEN_PROTOCOL_PREFIX)) return undefined;
  const b64 = protocol
    .slice(CONSOLE_TOKEN_PROTOCOL_PREFIX.length)
    .replace(/-/g, '+')
    .replace(/_/g, '/');
  try {
    return atob(b64);
  } catch {
    return undefined;
  }
}
