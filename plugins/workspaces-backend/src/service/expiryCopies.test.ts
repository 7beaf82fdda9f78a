import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { WorkspaceRef } from '@desktop-mania/plugin-workspaces-node';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { WorkspaceStore } from '../database/WorkspaceStore';
import {
  storeDatabases,
  workspaceRecord,
} from '../database/__testUtils__/storeDatabases';
import { createTestService } from '../__testUtils__/testService';
import { readWorkspacesConfig } from './WorkspacesConfig';

const databases = storeDatabases();
const ALICE = 'user:default/alice';
const HOUR = 3600_000;

/** A provider that keeps a copy of each desktop's expiry, as KubeVirt does. */
class ExpiringProvider extends FakeProvider {
  readonly told: string[] = [];
  /** Refusals for the next calls, one each. */
  readonly refusals: Error[] = [];

  async setExpiry(ref: WorkspaceRef, expiresAt: string) {
    const refusal = this.refusals.shift();
    this.told.push(`${ref.name} ${refusal ? 'refused' : expiresAt}`);
    if (refusal) throw refusal;
    const machine = this.machines.get(ref.name);
    if (machine) machine.expiresAt = expiresAt;
  }

  /** How often the cluster was listed. */
  get listings() {
    return this.calls.filter(c => c.op === 'list').length;
  }
}

describe.each(databases.ids)(
  "copies of desktops' expiries on %s",
  databaseId => {
    let store: WorkspaceStore;
    let provider: ExpiringProvider;

    beforeEach(async () => {
      store = (await databases.open(databaseId)).workspaces;
      provider = new ExpiringProvider();
    });

    /** A service as a freshly started process has it, and its logger. */
    function startService(using: FakeProvider = provider) {
      return createTestService({
        store,
        provider: using,
        config: readWorkspacesConfig(
          new ConfigReader({
            workspaces: {
              images: [{ name: 'ubuntu', os: 'linux' }],
              sizes: [{ name: 'small' }],
            },
          }),
        ),
      });
    }

    /** A desktop, its machine keeping `copy` as its expiry where given. */
    async function seed(name: string, expiresAt?: Date, copy?: string) {
      const at = new Date(Date.now() - HOUR);
      await store.reserve(
        {
          ...workspaceRecord(name, ALICE, at),
          cluster: 'test',
          provider: 'fake',
          image: 'ubuntu',
          expiresAt,
        },
        100,
      );
      provider.machines.set(name, {
        name,
        cluster: 'test',
        owner: ALICE,
        status: { phase: 'Running', ready: true },
        ...(copy ? { expiresAt: copy } : {}),
      });
    }

    const extend = (
      service: ReturnType<typeof startService>['service'],
      name: string,
    ) =>
      service.extend(mockCredentials.user(ALICE), name, {
        hours: 4,
      });

    it('hands the provider the new expiry when a desktop is extended', async () => {
      const expiresAt = new Date(Date.now() + 2 * HOUR);
      await seed('desk', expiresAt);
      const { service } = startService();

      const extended = await extend(service, 'desk');

      const until = new Date(expiresAt.getTime() + 4 * HOUR).toISOString();
      expect(extended.expiresAt).toBe(until);
      expect(provider.told).toEqual([`desk ${until}`]);
    });

    it('keeps an extension the cluster refused to copy, and copies it on the next pass', async () => {
      const expiresAt = new Date(Date.now() + 2 * HOUR);
      await seed('desk', expiresAt);
      const { service, logger } = startService();
      // The startup pass, with nothing stale yet.
      await service.reconcile();
      provider.told.length = 0;
      provider.refusals.push(
        new ServiceUnavailableError("Cluster 'test' did not answer"),
      );

      const extended = await extend(service, 'desk');

      const until = new Date(expiresAt.getTime() + 4 * HOUR).toISOString();
      expect(extended.expiresAt).toBe(until);
      expect((await store.get('desk'))?.expiresAt?.toISOString()).toBe(until);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `Desktop desk now expires ${until}, but cluster test could not record it; retrying on the next reconcile pass`,
        ),
      );
      expect((await store.auditLog('desk'))[0]).toMatchObject({
        action: 'extend',
        outcome: 'succeeded',
      });

      await service.reconcile();
      await service.reconcile();
      expect(provider.told).toEqual(['desk refused', `desk ${until}`]);
    });

    it('copies nothing when a process starts and every copy matches the record', async () => {
      const soon = new Date(Date.now() + 2 * HOUR);
      await seed('a-desk', soon, soon.toISOString());
      // The same instant, as another writer may have formatted it.
      await seed('b-desk', soon, soon.toISOString().replace('.000Z', 'Z'));
      await seed('forever');
      const { service } = startService();

      await service.reconcile();
      await service.reconcile();

      expect(provider.told).toEqual([]);
      // One listing for the process, none on later passes.
      expect(provider.listings).toBe(1);
    });

    it('copies only the expiries whose copy drifted from the record', async () => {
      const soon = new Date(Date.now() + 2 * HOUR);
      const earlier = new Date(soon.getTime() - HOUR).toISOString();
      await seed('a-desk', soon, soon.toISOString());
      await seed('b-desk', soon, earlier);
      await seed('c-desk', soon);
      const { service } = startService();

      await service.reconcile();
      await service.reconcile();

      expect(provider.told).toEqual([
        `b-desk ${soon.toISOString()}`,
        `c-desk ${soon.toISOString()}`,
      ]);
    });

    it('stops at a cluster that refuses a copy, and copies the rest on the next pass', async () => {
      const soon = new Date(Date.now() + 2 * HOUR);
      await seed('a-desk', soon);
      await seed('b-desk', soon);
      provider.refusals.push(new ServiceUnavailableError('unreachable'));
      const { service } = startService();

      await service.reconcile();
      // b-desk waited for the next pass instead of a second timeout.
      expect(provider.told).toEqual(['a-desk refused']);

      await service.reconcile();
      await service.reconcile();
      expect(provider.told).toEqual([
        'a-desk refused',
        `a-desk ${soon.toISOString()}`,
        `b-desk ${soon.toISOString()}`,
      ]);
      expect(provider.listings).toBe(1);
    });

    it('lists a cluster that did not answer again on the next pass, warning once', async () => {
      const soon = new Date(Date.now() + 2 * HOUR);
      await seed('desk', soon);
      provider.unreachable = true;
      const { service, logger } = startService();

      await service.reconcile();
      await service.reconcile();
      provider.unreachable = false;
      await service.reconcile();

      expect(provider.listings).toBe(3);
      expect(provider.told).toEqual([`desk ${soon.toISOString()}`]);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          "Could not list cluster test to compare desktops' expiries; retrying on the next reconcile pass",
        ),
      );
    });

    it('lists nothing on a cluster whose provider keeps no copies', async () => {
      await seed('desk', new Date(Date.now() + 2 * HOUR));
      const plain = new FakeProvider();
      plain.machines.set('desk', provider.machines.get('desk')!);
      const { service } = startService(plain);

      await service.reconcile();

      expect(plain.calls).toEqual([]);
    });

    it('lets go of a desktop whose machine is gone', async () => {
      await seed('desk', new Date(Date.now() + 2 * HOUR));
      const { service } = startService();
      await service.reconcile();
      provider.told.length = 0;
      provider.refusals.push(new NotFoundError('no such desktop'));

      await extend(service, 'desk');
      await service.reconcile();

      expect(provider.told).toEqual(['desk refused']);
    });
  },
);
