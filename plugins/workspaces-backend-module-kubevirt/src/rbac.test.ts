import http from 'http';
import { AddressInfo } from 'net';
import { mockServices } from '@backstage/backend-test-utils';
import { WebSocketServer } from 'ws';
import { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
import { KUBEVIRT_PROVIDER_RBAC_RULES, RbacRule } from './rbac';
import { desk, spec, testCluster } from './__testUtils__/fixtures';
import {
  dataVolumePayload,
  vmiPayload,
  vmPayload,
} from './__testUtils__/payloads';

// Calls KubeVirt allows every authenticated user, through its
// kubevirt.io:default ClusterRole (kubevirt/kubevirt
// pkg/virt-operator/resource/generate/rbac/cluster.go): no Role needs them.
const GRANTED_TO_EVERYONE = ['subresources.kubevirt.io|version|get'];

/** The RBAC triple (group|resource|verb) an API server checks for one request. */
function rbacTriple(method: string, url: string): string {
  const path = url.split('?')[0];
  const clusterWide = path.match(/^\/apis\/([^/]+)\/[^/]+\/([^/]+)$/);
  if (clusterWide && method === 'GET' && clusterWide[2] === 'version') {
    return `${clusterWide[1]}|version|get`;
  }
  const core = path.match(
    /^\/api\/v1\/namespaces\/[^/]+\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/,
  );
  // A subresource's own path after it (portforward/{port}/{protocol}) is
  // not part of what RBAC checks.
  const named = path.match(
    /^\/apis\/([^/]+)\/[^/]+\/namespaces\/[^/]+\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?(?:\/[^/]+)*$/,
  );
  if (!core && !named) throw new Error(`not a namespaced API path: ${path}`);
  const [group, resource, name, sub] = core
    ? ['', core[1], core[2], core[3]]
    : [named![1], named![2], named![3], named![4]];
  const verbs: Record<string, string> = {
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  const readVerb = name ? 'get' : 'list';
  const verb = method === 'GET' ? readVerb : verbs[method];
  return `${group}|${sub ? `${resource}/${sub}` : resource}|${verb}`;
}

const triples = (rules: RbacRule[]) =>
  [
    ...new Set(
      rules.flatMap(r =>
        r.apiGroups.flatMap(g =>
          r.resources.flatMap(res => r.verbs.map(v => `${g}|${res}|${v}`)),
        ),
      ),
    ),
  ].sort();

/** A loopback API server that says yes to everything and remembers what it was asked. */
async function startPermissiveApiServer() {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(rbacTriple(req.method!, req.url!));
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const url = req.url!.split('?')[0];
      if (req.method === 'POST' && JSON.parse(body).metadata.name === 'taken')
        return json(409, {
          kind: 'Status',
          code: 409,
          reason: 'AlreadyExists',
          message: 'already exists',
        });
      if (req.method === 'POST')
        return json(201, {
          ...JSON.parse(body),
          metadata: { ...JSON.parse(body).metadata, uid: 'u' },
        });
      if (req.method === 'GET' && url.endsWith('/version'))
        return json(200, { gitVersion: 'v1.7.0' });
      if (req.method === 'GET' && url.includes('/datavolumes/'))
        return json(
          200,
          dataVolumePayload('linux-desk-root', { phase: 'CloneInProgress' }),
        );
      // One desktop still being provisioned, so its disk is read.
      if (req.method === 'GET' && url.endsWith('/virtualmachines'))
        return json(200, {
          items: [
            vmPayload('linux-desk', 'Running'),
            vmPayload('new-desk', 'Provisioning'),
          ],
        });
      if (req.method === 'GET' && url.endsWith('/virtualmachineinstances'))
        return json(200, {
          items: [vmiPayload('linux-desk', 'w1', '10.0.0.1')],
        });
      if (req.method === 'GET' && url.includes('/virtualmachineinstances/'))
        return json(200, vmiPayload('linux-desk', 'w1', '10.0.0.1'));
      if (req.method === 'GET')
        return json(200, vmPayload('linux-desk', 'Running'));
      return json(200, {});
    });
  });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: () => 'plain.kubevirt.io',
  });
  server.on('upgrade', (req, socket, head) => {
    requests.push(rbacTriple('GET', req.url!));
    wss.handleUpgrade(req, socket, head, ws =>
      ws.send(Buffer.from('RFB 003.008\n')),
    );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise(r => server.close(r));
    },
  };
}

describe('KUBEVIRT_PROVIDER_RBAC_RULES', () => {
  it('grants exactly what a desktop lifecycle asks of the API server: nothing missing, nothing unused', async () => {
    const api = await startPermissiveApiServer();
    try {
      const provider = new KubeVirtWorkspaceProvider(
        [testCluster({ url: api.url })],
        mockServices.logger.mock(),
      );
      await provider.create(spec('linux'));
      await provider.get(desk);
      await provider.list('rke2-test');
      await provider.stop(desk);
      await provider.start(desk);
      await provider.restart(desk);
      await provider.setExpiry(desk, '2026-12-02T08:00:00.000Z');
      // The desktop's own display, then the VM console.
      const stream = await provider.openConsole(desk);
      stream.destroy();
      const vmConsole = await provider.openConsole(desk, {
        display: 'console',
      });
      vmConsole.destroy();
      // Snapshots: take, list (with restores under way), restore, delete.
      await provider.snapshots.take(desk, 'before');
      await provider.snapshots.list(desk);
      await provider.snapshots.restore(desk, 'linux-desk-before');
      await provider.snapshots.delete(desk, 'linux-desk-before');
      await provider.delete(desk);
      // A failed order undoes its Secret.
      await expect(
        provider.create(spec('linux', 'taken')),
      ).rejects.toMatchObject({ name: 'ConflictError' });

      expect(
        [...new Set(api.requests)]
          .filter(t => !GRANTED_TO_EVERYONE.includes(t))
          .sort(),
      ).toEqual(triples(KUBEVIRT_PROVIDER_RBAC_RULES));
      expect(api.requests).toEqual(expect.arrayContaining(GRANTED_TO_EVERYONE));
    } finally {
      await api.close();
    }
  });
});
