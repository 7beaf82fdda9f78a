import { http } from 'msw';
import request from 'supertest';
import { TestDatabases } from '@backstage/backend-test-utils';
import { NS, kubeError, useApiServer } from './__testUtils__/apiServer';
import { ALICE } from './__testUtils__/backend';
import { FakeKubeVirt } from './__testUtils__/fakeKubeVirt';
import { forbidden } from './__testUtils__/refusals';
import {
  countRequests,
  orderedThenStopped,
  startReplica,
} from './__testUtils__/restart';

// A new process must not rewrite every VM's expiry annotation (one PATCH per
// desktop per replica on each rollout), only the ones left stale.
const EXPIRES = 'desktopmania.io/expires-at';

const server = useApiServer({ backendToo: true });

describe("a restarted backend's expiry copies", () => {
  // Each test starts two backends.
  jest.setTimeout(60_000);
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const VMS = '/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines';

  const rolledOut = async (during: (backend: { server: any }) => unknown) => {
    const fake = new FakeKubeVirt();
    server.use(...fake.handlers());
    const knex = await databases.init('SQLITE_3');
    await orderedThenStopped(knex, ['alice-dev', 'alice-ops'], during);
    return { fake, knex };
  };

  it('patches no VM when every annotation matches the record', async () => {
    const { knex } = await rolledOut(() => {});
    const requests = countRequests(server);

    const next = await startReplica(knex);
    await next.reconciled;
    requests.stop();

    expect(requests.seen.filter(r => r.startsWith('PATCH'))).toEqual([]);
    // It compared: one listing of the cluster's VMs, not one read each.
    expect(requests.seen.filter(r => r.startsWith(`GET ${VMS}?`))).toEqual([
      `GET ${VMS}?labelSelector=app.kubernetes.io/managed-by=desktop-mania`,
    ]);
    await next.backend.stop();
  });

  it('patches only the VM whose annotation an earlier process left stale', async () => {
    let extended = '';
    const { fake, knex } = await rolledOut(async backend => {
      // The cluster refuses the copy of this extension, once.
      server.use(
        http.patch(
          `${NS}/virtualmachines/alice-ops`,
          () =>
            kubeError(
              403,
              forbidden('patch', 'virtualmachines', 'kubevirt.io', 'alice-ops'),
            ),
          { once: true },
        ),
      );
      const res = await request(backend.server)
        .post('/api/workspaces/workspaces/alice-ops/extend')
        .set(ALICE)
        .send({ hours: 24 })
        .expect(200);
      extended = res.body.expiresAt;
    });
    expect(fake.vms.get('alice-ops').metadata.annotations[EXPIRES]).not.toBe(
      extended,
    );
    const requests = countRequests(server);

    const next = await startReplica(knex);
    await next.reconciled;
    requests.stop();

    expect(requests.seen.filter(r => r.startsWith('PATCH'))).toEqual([
      `PATCH ${VMS}/alice-ops`,
    ]);
    expect(fake.vms.get('alice-ops').metadata.annotations[EXPIRES]).toBe(
      extended,
    );
    await next.backend.stop();
  });
});
