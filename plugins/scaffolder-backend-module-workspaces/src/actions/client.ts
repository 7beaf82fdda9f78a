import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { WorkspacesClient } from '@desktop-mania/plugin-workspaces-common';

/**
 * A client that calls the workspaces backend as the person who runs the
 * template, so their permissions and quota apply, not the scaffolder's.
 */
export function clientFor(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  const client = new WorkspacesClient({ discoveryApi: options.discovery });
  const tokenFor = async (onBehalfOf: BackstageCredentials) =>
    (
      await options.auth.getPluginRequestToken({
        onBehalfOf,
        targetPluginId: 'workspaces',
      })
    ).token;
  return { client, tokenFor };
}

// Added only where the backend's reason does not already say what to do.
const ADVICE: Record<number, string> = {
  401: 'sign in again',
  429: 'try again later',
};

const ERROR_TYPES: Record<number, new (message: string) => Error> = {
  400: InputError,
  401: AuthenticationError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
  503: ServiceUnavailableError,
};

/**
 * An error that the task log shows as its message alone: the scaffolder logs
 * a failed step's `error.stack`, which would otherwise be a trace of this
 * module's file paths, meaningless to the person who ordered.
 */
function oneLine(
  ErrorType: new (message: string) => Error,
  message: string,
): Error {
  const error = new ErrorType(message);
  error.stack = message;
  return error;
}

/**
 * The first line of a reason, bounded: a proxy's HTML error page or a
 * backend in development mode can answer with much more than the reason.
 */
function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0].trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Turns a failed call into a one-line error for the task log and the task's
 * result. A refusal (4xx) is the backend's own reason, which names the field
 * or the rule; a failure (5xx, network) also says what was attempted.
 * `subject` says what was attempted, e.g. "The desktop order".
 */
export function refusal(error: unknown, subject: string): Error {
  if (isError(error) && error.name === 'ResponseError') {
    const { statusCode, body } = error as unknown as ResponseError;
    const reason = firstLine(body?.error?.message || error.message);
    const advice = ADVICE[statusCode];
    const ErrorType = ERROR_TYPES[statusCode] ?? Error;
    return oneLine(
      ErrorType,
      `${statusCode >= 500 ? `${subject} failed: ` : ''}${reason}${
        advice ? `; ${advice}` : ''
      }`,
    );
  }
  if (isError(error) && error.name === 'TypeError') {
    // fetch() rejects with a TypeError when the backend cannot be reached at all.
    const cause = (error as { cause?: unknown }).cause;
    return oneLine(
      ServiceUnavailableError,
      `${subject} failed: the workspaces backend could not be reached (${firstLine(
        isError(cause) ? cause.message : error.message,
      )})`,
    );
  }
  return error as Error;
}

/** Whether a failed call may succeed when tried again: the backend or the network was down. */
export function isTransient(error: unknown): boolean {
  if (!isError(error)) return false;
  if (error.name === 'ResponseError')
    return (error as unknown as ResponseError).statusCode >= 500;
  return error.name === 'TypeError';
}
