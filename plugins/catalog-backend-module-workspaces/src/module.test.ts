import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// The real workspaces backend on purpose: this test runs the plugins together as deployed.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import workspacesPlugin from '@desktop-mania/plugin-workspaces-backend';
import {
  FakeProvider,
  providerModule,
} from '@desktop-mania/plugin-workspaces-node/testUtils';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { catalogModuleWorkspaces } from './module';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';

// The real catalog and the real workspaces backend in one backend, as in
// production; only the cluster is a stand-in.
async function startPortal(schedule?: object, more: { catalog?: object } = {}) {
  const provider = new FakeProvider('rke2-prod');
  const scheduler = mockServices.scheduler();
  const createRunner = jest.spyOn(scheduler, 'createScheduledTaskRunner');
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleWorkspaces,
      workspacesPlugin,
      providerModule('fake', provider),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      // Tasks run only when a test triggers them.
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => scheduler,
      }),
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () => events,
      }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: ['Component', 'Location', 'Workspace'] }],
            ...(schedule ? { providers: { workspaces: { schedule } } } : {}),
            ...more.catalog,
          },
          workspaces: {
            images: [{ name: 'ubuntu-desktop', title: 'Ubuntu', os: 'linux' }],
            sizes: [{ name: 'small', title: 'Small' }],
          },
        },
      }),
    ],
  });
  const api = () => request(backend.server);
  const entity = (name: string) =>
    api()
      .get(
        `/api/catalog/entities/by-name/${
          name.includes('/') ? name : `workspace/default/${name}`
        }`,
      )
      .set('Authorization', mockCredentials.user.header(ALICE));
  /** Polls the catalog until the entity (a Workspace's name, or kind/namespace/name) is there or gone. */
  const until = async (name: string, present: boolean) => {
    const started = Date.now();
    for (;;) {
      const res = await entity(name);
      if ((res.status === 200) === present)
        return { res, ms: Date.now() - started };
      if (Date.now() - started > 30_000) {
        throw new Error(
          `${name} ${
            present ? 'never appeared in' : 'never left'
          } the catalog (last ${res.status})`,
        );
      }
      await new Promise(r => setTimeout(r, 100));
    }
  };
  return { backend, provider, scheduler, createRunner, api, until };
}

describe('the catalog module with the catalog and the workspaces backend', () => {
  let portal: Awaited<ReturnType<typeof startPortal>>;
  afterEach(() => portal?.backend.stop());

  it('shows an ordered desktop within seconds, related to its owner and cluster, and removes it when deleted', async () => {
    // An hour-long schedule: only the announced change can bring the desktop in.
    portal = await startPortal({
      frequency: { hours: 1 },
      timeout: { minutes: 1 },
      initialDelay: { hours: 1 },
    });
    const { api, until } = portal;
    await api()
      .post('/api/workspaces/workspaces')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({ name: 'alice-dev', image: 'ubuntu-desktop', size: 'small' })
      .expect(201);

    const { res, ms } = await until('alice-dev', true);
    // eslint-disable-next-line no-console
    console.log(`ordered desktop in the catalog after ${ms} ms`);
    // Search shows it at the next collation after this; the repository's
    // searchFreshness test counts on 10 s at most for this part.
    expect(ms).toBeLessThan(10_000);
    expect(res.body).toMatchObject({
      apiVersion: 'desktopmania.io/v1alpha1',
      kind: 'Workspace',
      metadata: {
        name: 'alice-dev',
        annotations: {
          'backstage.io/managed-by-location': 'workspaces:rke2-prod',
          'desktopmania.io/cluster': 'rke2-prod',
        },
      },
      spec: {
        type: 'linux',
        owner: ALICE,
        flavor: 'ubuntu-desktop',
        size: 'small',
        cluster: 'rke2-prod',
      },
    });
    expect(
      res.body.relations.map((r: any) => `${r.type} ${r.targetRef}`).sort(),
    ).toEqual(['dependsOn resource:default/rke2-prod', `ownedBy ${ALICE}`]);

    await api()
      .delete('/api/workspaces/workspaces/alice-dev')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .expect(204);
    expect((await until('alice-dev', false)).ms).toBeLessThan(10_000);
  });

  it('runs the full sync on the configured schedule and keeps desktops of a cluster that is down', async () => {
    const schedule = { frequency: { minutes: 10 }, timeout: { minutes: 2 } };
    portal = await startPortal(schedule);
    const { api, until, provider, scheduler, createRunner } = portal;
    expect(createRunner).toHaveBeenCalledWith(
      expect.objectContaining(schedule),
    );

    await api()
      .post('/api/workspaces/workspaces')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({ name: 'alice-dev', image: 'ubuntu-desktop', size: 'small' })
      .expect(201);
    await until('alice-dev', true);

    provider.unreachable = true;
    provider.calls.length = 0;
    await scheduler.triggerTask('workspaces:refresh');
    // The sync asked the backend, which asked the cluster and could not
    // reach it: for the full listing, and again to settle its mutation.
    expect(provider.calls).toEqual([
      { op: 'list', name: undefined },
      { op: 'list', name: undefined },
    ]);
    // A full mutation removes at once; the desktop is still there.
    expect((await until('alice-dev', true)).ms).toBeLessThan(1000);
  });

  it('lists the desktop on its cluster: the cluster gains the reverse relation', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workspaces-catalog-'));
    const file = path.join(dir, 'cluster.yaml');
    fs.writeFileSync(
      file,
      'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: { name: rke2-prod }\nspec: { type: kubernetes-cluster, owner: group:default/platform }\n',
    );
    try {
      portal = await startPortal(
        {
          frequency: { hours: 1 },
          timeout: { minutes: 1 },
          initialDelay: { hours: 1 },
        },
        {
          catalog: {
            rules: [{ allow: ['Location', 'Resource', 'Workspace'] }],
            locations: [{ type: 'file', target: file }],
          },
        },
      );
      const { api, until } = portal;
      await until('resource/default/rke2-prod', true);
      await api()
        .post('/api/workspaces/workspaces')
        .set('Authorization', mockCredentials.user.header(ALICE))
        .send({ name: 'alice-dev', image: 'ubuntu-desktop', size: 'small' })
        .expect(201);
      const desktop = (await until('alice-dev', true)).res.body;
      expect(
        desktop.relations.map((r: any) => `${r.type} ${r.targetRef}`),
      ).toContain('dependsOn resource:default/rke2-prod');
      // The catalog stitches the cluster again once the desktop relates back to it.
      const started = Date.now();
      let relations: string[] = [];
      while (Date.now() - started < 10_000) {
        const cluster = (await until('resource/default/rke2-prod', true)).res;
        relations = cluster.body.relations.map(
          (r: any) => `${r.type} ${r.targetRef}`,
        );
        if (relations.includes('dependencyOf workspace:default/alice-dev'))
          break;
        await new Promise(r => setTimeout(r, 200));
      }
      expect(relations).toContain('dependencyOf workspace:default/alice-dev');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
