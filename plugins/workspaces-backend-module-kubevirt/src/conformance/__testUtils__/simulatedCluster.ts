import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import { statusPayload } from '../../__testUtils__/payloads';
import { alreadyExists, notFound } from '../../__testUtils__/refusals';
import { storageBytes } from '../settings';
import { type Answer, SimulatedKubeVirt } from './simulatedKubeVirt';
import { ADMIN_TOKEN, SimulatedRbac } from './simulatedRbac';
import {
  attributesOf,
  GROUP_VERSIONS,
  inNamespace,
  listed,
  objectKey,
  put,
  type Store,
} from './simulatedStore';
import { SimulatedVnc } from './simulatedVnc';

export { ADMIN_TOKEN };

/** Discovery: what any client may read, before RBAC. */
const DISCOVERY: Record<string, unknown> = {
  '/version': { gitVersion: 'v1.33.1+rke2r1' },
  '/apis': {
    groups: Object.entries(GROUP_VERSIONS).map(([name, version]) => ({
      name,
      versions: [{ groupVersion: `${name}/${version}`, version }],
      preferredVersion: { groupVersion: `${name}/${version}`, version },
    })),
  },
};

/** Fixed answers of the installed components, behind RBAC. */
const INSTALLED: Record<string, unknown> = {
  '/apis/subresources.kubevirt.io/v1/version': { gitVersion: 'v1.7.0' },
  '/apis/cdi.kubevirt.io/v1beta1/cdis': {
    items: [{ status: { observedVersion: 'v1.62.0' } }],
  },
  '/apis/storage.k8s.io/v1/storageclasses': {
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
  },
};

/** What CDI and the quota controller make of a new object at once. */
function settle(store: Store, resource: string, object: any) {
  const { name, namespace } = object.metadata;
  if (resource === 'datavolumes') {
    object.status = { phase: 'Succeeded', progress: '100.0%' };
    const requests = object.spec.storage.resources.requests;
    put(store, objectKey('', namespace, 'persistentvolumeclaims', name), {
      metadata: { name, namespace },
      spec: { resources: { requests } },
      status: { phase: 'Bound', capacity: requests },
    });
  }
  if (resource === 'datasources') {
    object.status = { conditions: [{ type: 'Ready', status: 'True' }] };
  }
  if (resource === 'resourcequotas') {
    const used = inNamespace(
      store,
      namespace,
      '',
      'persistentvolumeclaims',
    ).reduce(
      (sum, pvc) => sum + storageBytes(pvc.spec.resources.requests.storage),
      0,
    );
    object.status = {
      hard: object.spec.hard,
      used: { 'requests.storage': String(used) },
    };
  }
}

/**
 * A loopback API server that behaves as this suite expects KubeVirt and CDI
 * to: RBAC for service-account tokens from the Roles it holds, the VM
 * controller's outcomes, lifecycle subresources, and a VNC endpoint with
 * KubeVirt's single seat and `preserveSession`. It checks the suite's own
 * logic on a machine without a cluster; what a real cluster answers is what
 * the suite's recordings are for.
 */
export async function startSimulatedCluster() {
  const store: Store = new Map();
  const rbac = new SimulatedRbac(store);
  const vnc = await SimulatedVnc.start(store, rbac);
  const kubevirt = new SimulatedKubeVirt(store, vnc);
  /** Every request, and whom it was made as (see `SimulatedRbac.who`). */
  const requests: Array<{ method: string; path: string; as: string }> = [];
  let refusing: (method: string, path: string) => boolean = () => false;

  function answer(req: http.IncomingMessage, text: string): Answer {
    const { pathname, searchParams } = new URL(req.url!, 'http://sim');
    const method = req.method!;
    const body = text ? JSON.parse(text) : undefined;
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const a = attributesOf(method, pathname);
    requests.push({ method, path: req.url!, as: rbac.who(token) });

    if (pathname in DISCOVERY)
      return { status: 200, body: DISCOVERY[pathname] };
    if (!rbac.allowed(token, a) || refusing(method, pathname)) {
      return {
        status: 403,
        body: statusPayload(
          403,
          'Forbidden',
          `${a.verb} ${a.resource} is forbidden`,
        ),
      };
    }
    if (pathname in INSTALLED)
      return { status: 200, body: INSTALLED[pathname] };
    if (a.resource === 'selfsubjectaccessreviews') {
      const r = body.spec.resourceAttributes;
      const allowed = rbac.allowed(token, {
        group: r.group,
        namespace: r.namespace,
        resource: r.resource,
        subresource: r.subresource,
        verb: r.verb,
      });
      return { status: 201, body: { ...body, status: { allowed } } };
    }
    if (a.subresource === 'token') {
      const issued = rbac.issue(a.namespace!, a.name!);
      return { status: 201, body: { ...body, status: { token: issued } } };
    }
    if (a.group === 'subresources.kubevirt.io' && method === 'PUT') {
      return kubevirt.lifecycle(a.namespace!, a.name!, a.subresource!);
    }

    const itemKey = objectKey(a.group, a.namespace, a.resource, a.name ?? '');
    const missing = {
      status: 404,
      body: notFound(a.resource, a.group, a.name!),
    };
    if (method === 'GET') {
      if (!a.name) {
        return {
          status: 200,
          body: {
            items: listed(store, itemKey, searchParams.get('labelSelector')),
          },
        };
      }
      const found = store.get(itemKey);
      return found ? { status: 200, body: found } : missing;
    }
    if (method === 'DELETE') {
      if (!store.has(itemKey)) return missing;
      if (a.resource === 'virtualmachines')
        kubevirt.deleteVm(a.namespace!, a.name!);
      else if (a.resource === 'namespaces') {
        for (const k of [...store.keys()]) {
          if (k.includes(`/namespaces/${a.name}/`)) store.delete(k);
        }
        rbac.forgetNamespace(a.name!);
        store.delete(itemKey);
      } else store.delete(itemKey);
      return { status: 200, body: statusPayload(200, '', '') };
    }
    if (method === 'PATCH') {
      const found = store.get(itemKey);
      if (!found) return missing;
      found.metadata = { ...found.metadata, ...body.metadata };
      return { status: 200, body: found };
    }
    if (method === 'POST') {
      const name = body.metadata.name;
      const k = objectKey(a.group, a.namespace, a.resource, name);
      if (store.has(k)) {
        return { status: 409, body: alreadyExists(a.resource, a.group, name) };
      }
      const object = {
        ...body,
        metadata: { ...body.metadata, namespace: a.namespace },
      };
      if (a.resource === 'virtualmachines') {
        const refusal = kubevirt.admit(object);
        if (refusal) return refusal;
        if (searchParams.get('dryRun') === 'All')
          return { status: 201, body: object };
        put(store, k, object);
        kubevirt.reconcile(object);
        return { status: 201, body: object };
      }
      put(store, k, object);
      settle(store, a.resource, object);
      return { status: 201, body: object };
    }
    return {
      status: 405,
      body: statusPayload(405, 'MethodNotAllowed', method),
    };
  }

  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', chunk => (text += chunk));
    req.on('end', () => {
      const { status, body } = answer(req, text);
      if (body === undefined) {
        res.writeHead(status);
        res.end();
        return;
      }
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  server.on('upgrade', (req, socket, head) => vnc.upgrade(req, socket, head));

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    store,
    requests,
    /** Refuses the requests `when` picks, as RBAC would, until told otherwise. */
    refuse(when: (method: string, path: string) => boolean = () => false) {
      refusing = when;
    },
    /** A kubeconfig that reaches this cluster as its admin. */
    writeKubeconfig(file: string) {
      fs.writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            {
              name: 'simulated',
              // client-node speaks plain HTTP only to servers marked insecure.
              cluster: { server: url, 'insecure-skip-tls-verify': true },
            },
          ],
          users: [{ name: 'admin', user: { token: ADMIN_TOKEN } }],
          contexts: [
            {
              name: 'simulated',
              context: { cluster: 'simulated', user: 'admin' },
            },
          ],
          'current-context': 'simulated',
        }),
      );
    },
    close: async () => {
      vnc.close();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
