import { dataVolumePayload, statusPayload } from './payloads';

/**
 * Refusals exactly as the API server, or KubeVirt's virt-api behind it,
 * words them. Each names the upstream code that writes it; the Status
 * constructors are k8s.io/apimachinery/pkg/api/errors/errors.go.
 */

const qualified = (resource: string, group: string) =>
  group ? `${resource}.${group}` : resource;

/**
 * `NewNotFound`: the object is not there. A merge patch of a missing object
 * gets the same, since the patcher cannot create one (kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go
 * `jsonPatcher.createNewObject`).
 */
export const notFound = (resource: string, group: string, name: string) =>
  statusPayload(
    404,
    'NotFound',
    `${qualified(resource, group)} "${name}" not found`,
    { name, group: group || undefined, kind: resource },
  );

/** `NewAlreadyExists`, from the registry's create. */
export const alreadyExists = (resource: string, group: string, name: string) =>
  statusPayload(
    409,
    'AlreadyExists',
    `${qualified(resource, group)} "${name}" already exists`,
    { name, group: group || undefined, kind: resource },
  );

/**
 * `NewConflict`, which virt-api answers lifecycle requests with, e.g.
 * "VM is already running" (kubevirt/kubevirt pkg/virt-api/rest/lifecycle.go;
 * it names the resource in the singular, `v1.Resource("virtualmachine")`).
 */
export const conflict = (resource: string, name: string, cause: string) =>
  statusPayload(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resource}.kubevirt.io "${name}": ${cause}`,
    { name, group: 'kubevirt.io', kind: resource },
  );

/**
 * What RBAC refuses with (kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go
 * `Forbidden` and `forbiddenMessage`).
 */
export const forbidden = (
  verb: string,
  resource: string,
  group: string,
  name?: string,
  /** null for a cluster-wide resource. */
  namespace: string | null = 'workspaces',
) => {
  const [plural] = resource.split('/');
  const scope =
    namespace === null
      ? 'at the cluster scope'
      : `in the namespace "${namespace}"`;
  return statusPayload(
    403,
    'Forbidden',
    `${qualified(plural, group)}${
      name ? ` "${name}"` : ''
    } is forbidden: User "system:serviceaccount:desktop-mania:backstage" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`,
    { ...(name ? { name } : {}), group: group || undefined, kind: plural },
  );
};

/** A credential the API server does not know (its authentication filter). */
export const UNAUTHORIZED = statusPayload(401, 'Unauthorized', 'Unauthorized');

/**
 * Any path no installed API serves, e.g. kubevirt.io/v1 without KubeVirt:
 * plain text, no Status (kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/util/notfoundhandler/not_found_handler.go,
 * `http.NotFound`).
 */
export const PAGE_NOT_FOUND = '404 page not found\n';

/** `NewTimeoutError` from the API server's request timeout (apiserver/pkg/server/filters/timeout.go). */
export const TIMED_OUT = statusPayload(
  504,
  'Timeout',
  'Timeout: request did not complete within requested timeout - context deadline exceeded',
  {},
);

/**
 * A refusal of a validating webhook, as the API server wraps it (apiserver
 * pkg/admission/plugin/webhook/errors/statuserror.go); KubeVirt's webhooks
 * answer 422 Invalid (kubevirt/kubevirt pkg/util/webhooks/webhooks.go
 * `ToAdmissionResponse`).
 */
export const deniedByWebhook = (webhook: string, message: string) =>
  statusPayload(
    422,
    'Invalid',
    `admission webhook "${webhook}" denied the request: ${message}`,
    { causes: [{ reason: 'FieldValueNotFound', message }] },
  );

/**
 * A manifest with a field the CRD does not declare, under
 * `fieldValidation=Strict` (apiserver pkg/endpoints/handlers/rest.go
 * `transformDecodeError`).
 */
export const strictDecoding = (kind: string, field: string) =>
  statusPayload(
    400,
    'BadRequest',
    `${kind} in version "v1" cannot be handled as a ${kind}: strict decoding error: unknown field "${field}"`,
  );

/** A ResourceQuota admission refusal (apiserver pkg/admission/plugin/resourcequota/controller.go), as `NewForbidden` words it for a generateName object (apiserver pkg/admission/errors.go). */
export const exceededQuota = (resource: string, name: string, usage: string) =>
  `${resource} "${name}" is forbidden: exceeded quota: workspaces, ${usage}`;

/**
 * The status CDI gives a DataVolume whose claim the storage quota refuses
 * (CDI pkg/controller/datavolume/controller-base.go `handlePvcCreation`),
 * with the refusal it quotes.
 */
export function quotaExceededDisk(claim: string) {
  const message = exceededQuota(
    'persistentvolumeclaims',
    claim,
    'requested: requests.storage=60Gi, used: requests.storage=1200Gi, limited: requests.storage=1200Gi',
  );
  const refused = { status: 'False', reason: 'ErrExceededQuota', message };
  const status: Parameters<typeof dataVolumePayload>[1] = {
    phase: 'Pending',
    progress: 'N/A',
    conditions: [
      { type: 'Bound', ...refused },
      { type: 'Ready', ...refused },
      { type: 'Running', status: 'False' },
    ] as any,
  };
  return { message, status };
}

/**
 * virt-api's answers on the VNC subresource (kubevirt/kubevirt
 * pkg/virt-api/rest/vnc.go and streamer.go).
 */
export const VNC = {
  /**
   * preserveSession=true while someone is connected: virt-handler answers
   * 503 text (pkg/virt-handler/rest/console.go `VNCHandler`), the dialer
   * enriches it (staging/src/kubevirt.io/client-go/kubevirt/typed/core/v1/async.go
   * `EnrichError`) and virt-api wraps it in `NewInternalError`
   * (pkg/virt-api/rest/dialers.go `handlerDial.Dial`).
   */
  seatTaken: statusPayload(
    500,
    'InternalError',
    "Internal error occurred: Can't connect to websocket (503): websocket: bad handshake: application info: Active VNC connection. Request denied.",
    {
      causes: [
        {
          message:
            "Can't connect to websocket (503): websocket: bad handshake: application info: Active VNC connection. Request denied.",
        },
      ],
    },
  ),
  /** The VMI exists but does not run (vnc.go `vmiHasDisplay`, subresource.go `vmiNotRunning`). */
  notRunning: statusPayload(400, 'BadRequest', 'VMI is not running'),
  /** A stopped VM has no VMI (subresource.go `FetchVirtualMachineInstance`). */
  noInstance: (name: string) =>
    notFound('virtualmachineinstance', 'kubevirt.io', name),
};

/**
 * virt-api's answers on the portforward subresource, before the upgrade
 * (kubevirt/kubevirt v1.8 pkg/virt-api/rest/portforward.go with
 * streamer.go `Handle` and its `writeError` in subresource.go: the Status
 * as JSON, code as the HTTP status). virt-api dials the VMI's first
 * interface address itself (dialers.go `netDial.DialUnderlying`).
 */
export const PORT_FORWARD = {
  /** Nothing listens on the port in the guest: `NewInternalError(fmt.Errorf("dialing VM: %w", err))`. */
  refused: (address: string) =>
    statusPayload(
      500,
      'InternalError',
      `Internal error occurred: dialing VM: dial tcp ${address}: connect: connection refused`,
      {
        causes: [
          {
            message: `dialing VM: dial tcp ${address}: connect: connection refused`,
          },
        ],
      },
    ),
  /** A VMI without an address yet (`getTargetInterfaceIP`, as `NewBadRequest`). */
  noInterfaces: statusPayload(
    400,
    'BadRequest',
    'no network interfaces are present',
  ),
  /** `validateVMIForPortForward`: `NewConflict(v1.Resource("virtualmachineinstance"), name, ...)`. */
  paused: (name: string) =>
    statusPayload(
      409,
      'Conflict',
      `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${name}": VMI is paused`,
      { name, group: 'kubevirt.io', kind: 'virtualmachineinstance' },
    ),
  /** A stopped VM has no VMI (subresource.go `FetchVirtualMachineInstance`). */
  noInstance: (name: string) =>
    notFound('virtualmachineinstance', 'kubevirt.io', name),
};

/**
 * An update or patch pinned to a `resourceVersion` the object has moved
 * past: `NewConflict` with `OptimisticLockErrorMsg`, the plural resource and
 * its group (kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
 * `Update`). A warm-pool claim that lost the race gets this.
 */
export const staleResourceVersion = (
  resource: string,
  group: string,
  name: string,
) =>
  statusPayload(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(
      resource,
      group,
    )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: group || undefined, kind: resource },
  );
