/**
 * A refusal from the API server, with the fields of its `Status` body.
 * `reason` is empty when the body was not a Status: the API server answers
 * a path no API is installed at with a plain-text "404 page not found"
 * (kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/util/notfoundhandler/not_found_handler.go).
 */
export class KubeApiError extends Error {
  name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
    /** `details.kind` of the Status, e.g. `namespaces` for a missing namespace. */
    readonly kind?: string,
  ) {
    super(message);
  }
}

/** The refusal an API server answer body stands for, Status or plain text. */
export function toKubeApiError(statusCode: number, body: unknown) {
  let status:
    | { reason?: string; message?: string; details?: { kind?: string } }
    | undefined;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      status = { message: body };
    }
  } else if (body && typeof body === 'object') {
    status = body as typeof status;
  }
  return new KubeApiError(
    statusCode,
    status?.reason ?? '',
    status?.message?.trim() || `HTTP ${statusCode}`,
    status?.details?.kind,
  );
}

export function isStatus(error: unknown, statusCode: number) {
  return error instanceof KubeApiError && error.statusCode === statusCode;
}

/** The object is not there; its API is (a Status with reason NotFound). */
export function isNotFound(error: unknown) {
  return isStatus(error, 404) && (error as KubeApiError).reason === 'NotFound';
}

/** Nothing serves the path at all: the API group is not installed. */
export function isApiMissing(error: unknown) {
  return isStatus(error, 404) && (error as KubeApiError).reason === '';
}
