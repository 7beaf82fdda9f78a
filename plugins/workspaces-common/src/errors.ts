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
  upstreamFailed: 4502,
} as const;

/** The subprotocol the console speaks: raw RFB in binary frames. @public */
export const CONSOLE_PROTOCOL = 'binary';
/** Prefix of the subprotocol that carries the caller's Backstage token, because browsers cannot set headers on websockets. @public */
export const CONSOLE_TOKEN_PROTOCOL_PREFIX = 'desktopmania.token.';
