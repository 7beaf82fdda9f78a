import { randomUUID } from 'crypto';
import http from 'http';
import type { AddressInfo, Socket } from 'net';
import WebSocket, { WebSocketServer } from 'ws';
import {
  conflict,
  deniedByWebhook,
  exceededQuota,
  notFound,
  VNC,
} from '../../__testUtils__/refusals';
import { statusPayload } from '../../__testUtils__/payloads';
import { parseQuantity } from '../settings';

export const ADMIN_TOKEN = 'admin-token';

/** What one request asks of RBAC. */
interface Attributes {
  group: string;
  namespace?: string;
  resource: string;
  subresource?: string;
  name?: string;
  verb: string;
}

const GROUP_VERSIONS: Record<string, string> = {
  'kubevirt.io': 'v1',
  'cdi.kubevirt.io': 'v1beta1',
  'instancetype.kubevirt.io': 'v1beta1',
};

function attributesOf(method: string, pathname: string): Attributes {
  const parts = pathname.split('/').filter(Boolean);
  // /api/v1/… or /apis/{group}/{version}/…
  const group = parts[0] === 'api' ? '' : parts[1];
  let rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  const verbs: Record<string, string> = {
    GET: name ? 'get' : 'list',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  const verb = verbs[method] ?? method;
  return { group, namespace, resource, name, subresource, verb };
}

const matches = (
  selector: string | null,
  labels: Record<string, string> = {},
) =>
  !selector ||
  selector.split(',').every(term => {
    const [key, value] = term.split('=');
    return labels[key] === value;
  });

/**
 * A loopback API server that behaves as this suite expects KubeVirt and CDI
 * to: RBAC for service-account tokens from the Roles it holds, the VM
 * controller's outcomes (a missing DataSource, a disk below its source, an
 * exhausted storage quota, a running VM), lifecycle subresources, and a VNC
 * endpoint with KubeVirt's single seat and `preserveSession`. It checks the
 * suite's own logic on a machine without a cluster; what a real cluster
 * answers is what the suite's recordings are for.
 */
export async function startSimulatedCluster() {
  const store = new Map<string, any>();
  const tokens = new Map<string, { namespace: string; name: string }>();
  const viewers = new Map<string, WebSocket>();

  const key = (
    group: string,
    namespace: string | undefined,
    resource: string,
    name: string,
  ) => {
    const base =
      group === ''
        ? '/api/v1'
        : `/apis/${group}/${GROUP_VERSIONS[group] ?? 'v1'}`;
    const scope = namespace ? `/namespaces/${namespace}` : '';
    return `${base}${scope}/${resource}/${name}`;
  };
  const put = (k: string, object: any) => {
    object.metadata.uid ??= randomUUID();
    store.set(k, object);
    return object;
  };
  const inNamespace = (namespace: string, group: string, resource: string) =>
    [...store.entries()]
      .filter(([k]) => k.startsWith(`${key(group, namespace, resource, '')}`))
      .map(([, v]) => v);

  function allowed(token: string, a: Attributes): boolean {
    if (token === ADMIN_TOKEN) return true;
    const account = tokens.get(token);
    if (!account) return false;
    if (a.group === 'subresources.kubevirt.io' && a.resource === 'version')
      return true;
    if (a.group === 'authorization.k8s.io') return true;
    if (!a.namespace) return false;
    const resource = a.subresource
      ? `${a.resource}/${a.subresource}`
      : a.resource;
    return inNamespace(a.namespace, 'rbac.authorization.k8s.io', 'rolebindings')
      .filter(b =>
        b.subjects.some(
          (s: any) =>
            s.kind === 'ServiceAccount' &&
            s.name === account.name &&
            s.namespace === account.namespace,
        ),
      )
      .map(b =>
        store.get(
          key(
            'rbac.authorization.k8s.io',
            a.namespace,
            'roles',
            b.roleRef.name,
          ),
        ),
      )
      .filter(Boolean)
      .some(role =>
        role.rules.some(
          (r: any) =>
            r.apiGroups.includes(a.group) &&
            r.resources.includes(resource) &&
            r.verbs.includes(a.verb),
        ),
      );
  }

  function closeViewer(namespace: string, name: string) {
    // virt-handler drops the connection without a close frame.
    viewers.get(`${namespace}/${name}`)?.terminate();
    viewers.delete(`${namespace}/${name}`);
  }

  function startInstance(vm: any) {
    const { namespace, name } = vm.metadata;
    closeViewer(namespace, name);
    put(key('kubevirt.io', namespace, 'virtualmachineinstances', name), {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name, namespace, labels: vm.spec.template.metadata.labels },
      status: {
        phase: 'Running',
        nodeName: 'worker-1',
        interfaces: [{ ipAddress: '10.42.0.7' }],
      },
    });
    vm.status = { printableStatus: 'Running', ready: true };
  }

  /** The VM controller's first pass over a new VM, reduced to its outcome. */
  function reconcile(vm: any) {
    const { namespace } = vm.metadata;
    const template = vm.spec.dataVolumeTemplates[0];
    const ref = template.spec.sourceRef;
    const dataSource = store.get(
      key('cdi.kubevirt.io', ref.namespace, 'datasources', ref.name),
    );
    if (!dataSource) {
      vm.status = {
        printableStatus: 'Provisioning',
        conditions: [
          {
            type: 'Failure',
            status: 'True',
            reason: 'FailedCreate',
            message: `Error encountered while creating DataVolumes: datasources.cdi.kubevirt.io "${ref.name}" not found`,
          },
        ],
      };
      return;
    }
    const source = store.get(
      key(
        '',
        dataSource.spec.source.pvc.namespace,
        'persistentvolumeclaims',
        dataSource.spec.source.pvc.name,
      ),
    );
    const wanted = template.spec.storage.resources.requests.storage;
    const disk = template.metadata.name;
    const dataVolume = put(
      key('cdi.kubevirt.io', namespace, 'datavolumes', disk),
      {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: {
          name: disk,
          namespace,
          labels: template.metadata.labels,
          ownerReferences: [{ kind: 'VirtualMachine', uid: vm.metadata.uid }],
        },
        spec: template.spec,
        status: {},
      },
    );
    const bad = (reason: string, message: string) => {
      dataVolume.status = {
        phase: 'Pending',
        progress: 'N/A',
        conditions: [
          { type: 'Bound', status: 'False', reason, message },
          { type: 'Ready', status: 'False', reason, message },
          { type: 'Running', status: 'False' },
        ],
      };
      vm.status = { printableStatus: 'Provisioning' };
    };
    if (
      parseQuantity(wanted) <
      parseQuantity(source.spec.resources.requests.storage)
    ) {
      bad(
        'CloneValidationFailed',
        'target resources requests storage size is smaller than the source',
      );
      return;
    }
    const quota = inNamespace(namespace, '', 'resourcequotas').find(
      q => q.spec.hard['requests.storage'],
    );
    if (quota) {
      bad(
        'ErrExceededQuota',
        exceededQuota(
          'persistentvolumeclaims',
          disk,
          `requested: requests.storage=${wanted}, used: requests.storage=${quota.status.used['requests.storage']}, limited: requests.storage=${quota.spec.hard['requests.storage']}`,
        ).replace('workspaces', quota.metadata.name),
      );
      return;
    }
    dataVolume.status = { phase: 'Succeeded', progress: '100.0%' };
    put(key('', namespace, 'persistentvolumeclaims', disk), {
      metadata: { name: disk, namespace, labels: template.metadata.labels },
      spec: { resources: { requests: { storage: wanted } } },
      status: { phase: 'Bound', capacity: { storage: wanted } },
    });
    startInstance(vm);
  }

  function deleteVm(namespace: string, name: string) {
    const vm = store.get(
      key('kubevirt.io', namespace, 'virtualmachines', name),
    );
    closeViewer(namespace, name);
    store.delete(
      key('kubevirt.io', namespace, 'virtualmachineinstances', name),
    );
    for (const [k, object] of [...store.entries()]) {
      const owned = (object.metadata.ownerReferences ?? []).some(
        (o: any) => o.uid === vm.metadata.uid,
      );
      if (owned) {
        store.delete(k);
        if (k.includes('/datavolumes/')) {
          store.delete(
            key('', namespace, 'persistentvolumeclaims', object.metadata.name),
          );
        }
      }
    }
    store.delete(key('kubevirt.io', namespace, 'virtualmachines', name));
  }

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    text: string,
  ) {
    const url = new URL(req.url!, 'http://sim');
    const { pathname, searchParams } = url;
    const method = req.method!;
    const body = text ? JSON.parse(text) : undefined;
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const a = attributesOf(method, pathname);

    if (pathname === '/version')
      return json(res, 200, { gitVersion: 'v1.33.1+rke2r1' });
    if (pathname === '/apis') {
      return json(res, 200, {
        groups: Object.entries(GROUP_VERSIONS).map(([name, version]) => ({
          name,
          versions: [{ groupVersion: `${name}/${version}`, version }],
          preferredVersion: { groupVersion: `${name}/${version}`, version },
        })),
      });
    }
    if (!allowed(token, a)) {
      return json(
        res,
        403,
        statusPayload(403, 'Forbidden', `${a.verb} ${a.resource} is forbidden`),
      );
    }
    if (pathname === '/apis/subresources.kubevirt.io/v1/version') {
      return json(res, 200, { gitVersion: 'v1.7.0' });
    }
    if (pathname === '/apis/cdi.kubevirt.io/v1beta1/cdis') {
      return json(res, 200, {
        items: [{ status: { observedVersion: 'v1.62.0' } }],
      });
    }
    if (pathname === '/apis/storage.k8s.io/v1/storageclasses') {
      return json(res, 200, {
        items: [
          {
            metadata: {
              name: 'longhorn-desktop',
              annotations: {
                'storageclass.kubernetes.io/is-default-class': 'true',
              },
            },
            provisioner: 'driver.longhorn.io',
          },
        ],
      });
    }
    if (a.resource === 'selfsubjectaccessreviews') {
      const r = body.spec.resourceAttributes;
      return json(res, 201, {
        ...body,
        status: {
          allowed: allowed(token, {
            group: r.group,
            namespace: r.namespace,
            resource: r.resource,
            subresource: r.subresource,
            verb: r.verb,
          }),
        },
      });
    }
    if (a.subresource === 'token') {
      const issued = `token-${randomUUID()}`;
      tokens.set(issued, { namespace: a.namespace!, name: a.name! });
      return json(res, 201, { ...body, status: { token: issued } });
    }

    if (a.group === 'subresources.kubevirt.io' && method === 'PUT') {
      const vm = store.get(
        key('kubevirt.io', a.namespace, 'virtualmachines', a.name!),
      );
      if (!vm)
        return json(
          res,
          404,
          notFound('virtualmachines', 'kubevirt.io', a.name!),
        );
      const instance = store.get(
        key('kubevirt.io', a.namespace, 'virtualmachineinstances', a.name!),
      );
      if (a.subresource === 'start') {
        if (instance)
          return json(
            res,
            409,
            conflict('virtualmachine', a.name!, 'VM is already running'),
          );
        startInstance(vm);
      } else if (!instance) {
        return json(
          res,
          409,
          conflict('virtualmachine', a.name!, 'VM is not running'),
        );
      } else if (a.subresource === 'stop') {
        closeViewer(a.namespace!, a.name!);
        store.delete(
          key('kubevirt.io', a.namespace, 'virtualmachineinstances', a.name!),
        );
        vm.status = { printableStatus: 'Stopped', ready: false };
      } else {
        startInstance(vm);
      }
      res.writeHead(202);
      return res.end();
    }

    const itemKey = a.name
      ? key(a.group, a.namespace, a.resource, a.name)
      : undefined;
    if (method === 'GET' && itemKey) {
      const found = store.get(itemKey);
      return found
        ? json(res, 200, found)
        : json(res, 404, notFound(a.resource, a.group, a.name!));
    }
    if (method === 'GET') {
      const prefix = key(a.group, a.namespace, a.resource, '');
      const items = [...store.entries()]
        .filter(
          ([k]) =>
            k.startsWith(prefix) && !k.slice(prefix.length).includes('/'),
        )
        .map(([, v]) => v)
        .filter(o =>
          matches(searchParams.get('labelSelector'), o.metadata.labels),
        );
      return json(res, 200, { items });
    }
    if (method === 'DELETE') {
      if (!store.has(itemKey!))
        return json(res, 404, notFound(a.resource, a.group, a.name!));
      if (a.resource === 'virtualmachines') deleteVm(a.namespace!, a.name!);
      else if (a.resource === 'namespaces') {
        for (const k of [...store.keys()]) {
          if (k.includes(`/namespaces/${a.name}/`)) store.delete(k);
        }
        for (const [t, account] of tokens)
          if (account.namespace === a.name) tokens.delete(t);
        store.delete(itemKey!);
      } else store.delete(itemKey!);
      return json(res, 200, statusPayload(200, '', ''));
    }
    if (method === 'PATCH') {
      const found = store.get(itemKey!);
      if (!found) return json(res, 404, notFound(a.resource, a.group, a.name!));
      found.metadata = { ...found.metadata, ...body.metadata };
      return json(res, 200, found);
    }
    if (method === 'POST') {
      const name = body.metadata.name;
      const k = key(a.group, a.namespace, a.resource, name);
      if (store.has(k)) {
        return json(
          res,
          409,
          statusPayload(
            409,
            'AlreadyExists',
            `${a.resource} "${name}" already exists`,
          ),
        );
      }
      const object = {
        ...body,
        metadata: { ...body.metadata, namespace: a.namespace },
      };
      if (a.resource === 'virtualmachines') {
        const preference = object.spec.preference?.name;
        if (preference) {
          const needs = store.get(
            key(
              'instancetype.kubevirt.io',
              undefined,
              'virtualmachineclusterpreferences',
              preference,
            ),
          )?.spec.requirements?.cpu?.guest;
          const has = store.get(
            key(
              'instancetype.kubevirt.io',
              undefined,
              'virtualmachineclusterinstancetypes',
              object.spec.instancetype.name,
            ),
          )?.spec.cpu.guest;
          if (needs > has) {
            return json(
              res,
              422,
              deniedByWebhook(
                'virtualmachine-validator.kubevirt.io',
                `failure checking preference requirements: insufficient CPU resources of ${has} vCPU provided by instance type, preference requires ${needs} vCPU`,
              ),
            );
          }
        }
        if (searchParams.get('dryRun') === 'All') return json(res, 201, object);
        put(k, object);
        reconcile(object);
        return json(res, 201, object);
      }
      put(k, object);
      if (a.resource === 'datavolumes') {
        object.status = { phase: 'Succeeded', progress: '100.0%' };
        put(key('', a.namespace, 'persistentvolumeclaims', name), {
          metadata: { name, namespace: a.namespace },
          spec: {
            resources: { requests: object.spec.storage.resources.requests },
          },
          status: {
            phase: 'Bound',
            capacity: object.spec.storage.resources.requests,
          },
        });
      }
      if (a.resource === 'datasources') {
        object.status = { conditions: [{ type: 'Ready', status: 'True' }] };
      }
      if (a.resource === 'resourcequotas') {
        const used = inNamespace(
          a.namespace!,
          '',
          'persistentvolumeclaims',
        ).reduce(
          (sum, pvc) =>
            sum + parseQuantity(pvc.spec.resources.requests.storage),
          0,
        );
        object.status = {
          hard: object.spec.hard,
          used: { 'requests.storage': String(used) },
        };
      }
      return json(res, 201, object);
    }
    return json(res, 405, statusPayload(405, 'MethodNotAllowed', method));
  }

  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', chunk => (text += chunk));
    req.on('end', () => handle(req, res, text));
  });

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: protocols =>
      protocols.has('plain.kubevirt.io') ? 'plain.kubevirt.io' : false,
  });
  const refuse = (socket: Socket, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(
        text,
      )}\r\n\r\n${text}`,
    );
  };
  server.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url!, 'http://sim');
    const a = attributesOf('GET', url.pathname);
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!allowed(token, a))
      return refuse(socket, 403, statusPayload(403, 'Forbidden', 'vnc'));
    const seat = `${a.namespace}/${a.name}`;
    if (
      !store.has(
        key('kubevirt.io', a.namespace, 'virtualmachineinstances', a.name!),
      )
    ) {
      return refuse(socket, 404, VNC.noInstance(a.name!));
    }
    if (
      viewers.has(seat) &&
      url.searchParams.get('preserveSession') === 'true'
    ) {
      return refuse(socket, 500, VNC.seatTaken);
    }
    closeViewer(a.namespace!, a.name!);
    return wss.handleUpgrade(req, socket, head, ws => {
      viewers.set(seat, ws);
      ws.on('close', () => {
        if (viewers.get(seat) === ws) viewers.delete(seat);
      });
      servePlainVnc(ws);
    });
  });

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

/** QEMU's side of RFB 3.8 with security None, up to ServerInit. */
function servePlainVnc(ws: WebSocket) {
  let step = 0;
  ws.send(Buffer.from('RFB 003.008\n'));
  ws.on('message', () => {
    step++;
    if (step === 1) ws.send(Buffer.from([1, 1]));
    if (step === 2) ws.send(Buffer.from([0, 0, 0, 0]));
    if (step === 3) {
      const name = Buffer.from('QEMU (simulated)');
      const init = Buffer.alloc(24);
      init.writeUInt16BE(1280, 0);
      init.writeUInt16BE(800, 2);
      init.writeUInt32BE(name.length, 20);
      ws.send(Buffer.concat([init, name]));
    }
  });
}
