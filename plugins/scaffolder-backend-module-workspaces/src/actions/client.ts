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

// What the person can do about each refusal; the backend's own message says why.
const ADVICE: Record<number, string> = {
  400: 'correct the field it names',
  401: 'sign in again',
  403: 'ask for access, pick an owner you belong to, or delete a desktop you no longer need',
  404: 'check the name',
  409: 'choose another name, or wait until the desktop finished changing',
  429: 'too many desktops or requests; delete a desktop or try again later',
  503: 'the desktop service or its cluster cannot be reached; try again later',
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
 * Turns a failed call into an error whose message names what failed, the
 * status, the backend's reason and what to do, so the task log says what to
 * fix. `subject` says what was attempted, e.g. "The desktop order".
 */
export function refusal(error: unknown, subject: string): Error {
  if (isError(error) && error.name === 'ResponseError') {
    const { statusCode, body } = error as unknown as ResponseError;
    // A proxy's HTML error page can be long; the first lines say enough.
    const reason = (body?.error?.message || error.message).slice(0, 500);
    const advice = ADVICE[statusCode];
    const ErrorType = ERROR_TYPES[statusCode] ?? Error;
    return new ErrorType(
      `${subject} ${
        statusCode >= 500 ? 'failed' : 'was refused'
      } (${statusCode}): ${reason}${advice ? ` (${advice})` : ''}`,
    );
  }
  if (isError(error) && error.name === 'TypeError') {
    // fetch() rejects with a TypeError when the backend cannot be reached at all.
    const cause = (error as { cause?: unknown }).cause;
    return new ServiceUnavailableError(
      `${subject} failed: the workspaces backend could not be reached (${
        isError(cause) ? cause.message : error.message
      })`,
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
