import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import { WORKSPACES_EVENT_TOPIC } from '@desktop-mania/plugin-workspaces-node';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { WorkspaceEntityProvider } from './WorkspaceEntityProvider';
import { ALICE_LINUX_SPEC } from './__testUtils__/entities';

const BASE = 'http://localhost:7007/api/workspaces';
const server = setupServer();
registerMswTestHooks(server);

const workspace = (
  name: string,
  cluster = 'rke2-prod',
  extra: Partial<Workspace> = {},
): Workspace => ({
  name,
  cluster,
  provider: 'kubevirt',
  namespace: 'workspaces',
  os: 'linux',
  image: 'ubuntu-desktop',
  size: 'small',
  diskGi: 40,
  owner: 'user:default/alice',
  createdBy: 'user:default/alice',
  createdAt: '2026-11-24T07:00:00.000Z',
  status: { phase: 'Running', ready: true },
  ...extra,
});

const unreachable = (w: Workspace): Workspace => ({
  ...w,
  status: {
    phase: 'Unknown',
    ready: false,
    message: `Cluster '${w.cluster}' could not be reached: connect ECONNREFUSED`,
  },
});

/** Answers `GET /workspaces` with whatever the test sets next. */
function listing(initial: Workspace[] | number) {
  let answer = initial;
  server.use(
    http.get(`${BASE}/workspaces`, () =>
      typeof answer === 'number'
        ? HttpResponse.json({ error: { message: 'down' } }, { status: answer })
        : HttpResponse.json(answer),
    ),
  );
  return (next: Workspace[] | number) => {
    answer = next;
  };
}

function setup(fullSyncEvery?: number) {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async m => {
      mutations.push(m);
    },
    refresh: async () => {},
  };
  const logger = mockServices.logger.mock();
  const events = DefaultEventsService.create({ logger });
  const provider = new WorkspaceEntityProvider({
    auth: mockServices.auth(),
    discovery: {
      getBaseUrl: async () => BASE,
      getExternalBaseUrl: async () => BASE,
    },
    logger,
    events,
    fullSyncEvery,
  });
  return { provider, connection, mutations, events, logger };
}

/** What the catalog holds after the mutations, as the catalog applies them: name → locationKey. */
function catalog(mutations: EntityProviderMutation[]) {
  const held = new Map<string, string | undefined>();
  for (const m of mutations) {
    if (m.type === 'full') held.clear();
    else
      for (const r of m.removed)
        held.delete(
          'entityRef' in r ? r.entityRef.split('/')[1] : r.entity.metadata.name,
        );
    for (const e of m.type === 'full' ? m.entities : m.added)
      held.set(e.entity.metadata.name, e.locationKey);
  }
  return held;
}

const held = (mutations: EntityProviderMutation[]) =>
  [...catalog(mutations).keys()].sort();

const names = (entities: DeferredEntity[]) =>
  entities.map(e => e.entity.metadata.name).sort();

function lastFull(mutations: EntityProviderMutation[]) {
  const full = mutations.filter(m => m.type === 'full');
  return full[full.length - 1] as Extract<
    EntityProviderMutation,
    { type: 'full' }
  >;
}

describe('WorkspaceEntityProvider', () => {
  it('mirrors the full listing, asking as itself', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/workspaces`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return HttpResponse.json([
          workspace('a', 'rke2-prod', {
            system: 'system:default/desktop-mania',
            expiresAt: '2026-12-01T07:00:00.000Z',
          }),
          workspace('b', 'local', {
            provider: 'local',
            namespace: undefined,
            os: 'windows',
          }),
        ]);
      }),
    );
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    await expect(provider.refresh()).resolves.toEqual({
      count: 2,
      keptClusters: [],
    });
    // The sync's listing and, after a full mutation, the one that settles it.
    const asItself = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('plugin:test'),
      targetPluginId: 'workspaces',
    });
    expect(seen).toEqual([asItself, asItself]);
    expect(mutations).toHaveLength(1);
    const full = lastFull(mutations);
    expect(
      full.entities.map(e => [e.entity.metadata.name, e.locationKey]),
    ).toEqual([
      ['a', 'workspaces:rke2-prod'],
      ['b', 'workspaces:local'],
    ]);
    expect(full.entities[0].entity).toEqual({
      apiVersion: 'desktopmania.io/v1alpha1',
      kind: 'Workspace',
      metadata: {
        name: 'a',
        namespace: 'default',
        title: 'a',
        description: 'Linux desktop (ubuntu-desktop, small) on rke2-prod',
        labels: { 'desktopmania.io/os': 'linux' },
        tags: ['linux', 'kubevirt'],
        annotations: {
          'backstage.io/managed-by-location': 'workspaces:rke2-prod',
          'backstage.io/managed-by-origin-location': 'workspaces:rke2-prod',
          'backstage.io/kubernetes-id': 'a',
          'backstage.io/kubernetes-namespace': 'workspaces',
          'desktopmania.io/cluster': 'rke2-prod',
          'desktopmania.io/namespace': 'workspaces',
          'desktopmania.io/provider': 'kubevirt',
          'desktopmania.io/vm-name': 'a',
        },
      },
      spec: {
        ...ALICE_LINUX_SPEC,
        diskGi: 40,
        system: 'system:default/desktop-mania',
        expiresAt: '2026-12-01T07:00:00.000Z',
      },
    });
    // A local desktop has nothing for the Kubernetes tab to show, so the tab stays away.
    const local = full.entities[1].entity;
    expect(local.metadata.annotations).not.toHaveProperty(
      'backstage.io/kubernetes-id',
    );
    expect(local.metadata.annotations).not.toHaveProperty(
      'backstage.io/kubernetes-namespace',
    );
    expect(local.metadata.annotations).not.toHaveProperty(
      'desktopmania.io/namespace',
    );
    expect(local.metadata.labels).toEqual({ 'desktopmania.io/os': 'windows' });
  });

  it.each([
    ['answers 503', 503],
    ['answers 500', 500],
    ['refuses the provider', 403],
  ])('changes nothing when the backend %s', async (_label, status) => {
    const answer = listing([workspace('a'), workspace('b', 'local')]);
    const { provider, connection, mutations, logger } = setup();
    await provider.connect(connection);
    await provider.refresh();
    answer(status);
    await expect(provider.refresh()).resolves.toBeUndefined();
    expect(mutations).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Could not list desktops; the catalog keeps the ones it has',
      ),
    );
    // The next good listing still removes what is gone.
    answer([workspace('a')]);
    await provider.refresh();
    expect(held(mutations)).toEqual(['a']);
  });

  it('changes nothing when the backend cannot be reached at all', async () => {
    server.use(http.get(`${BASE}/workspaces`, () => HttpResponse.error()));
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    await expect(provider.refresh()).resolves.toBeUndefined();
    expect(mutations).toEqual([]);
  });

  it('keeps the desktops of a cluster that cannot be reached; only a successful listing removes them', async () => {
    const answer = listing([
      workspace('a'),
      workspace('b'),
      workspace('c', 'local', { provider: 'local' }),
      workspace('d', 'local', { provider: 'local' }),
    ]);
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    await provider.refresh();

    // rke2-prod is down: the backend answers its records, all Unknown, and b
    // is missing. local answers normally without d.
    answer([
      unreachable(workspace('a')),
      workspace('c', 'local', { provider: 'local' }),
    ]);
    await expect(provider.refresh()).resolves.toEqual({
      count: 3,
      keptClusters: ['rke2-prod'],
    });
    expect(held(mutations)).toEqual(['a', 'b', 'c']);
    expect(catalog(mutations).get('b')).toBe('workspaces:rke2-prod');

    // rke2-prod answers again without b: now b goes.
    answer([workspace('a'), workspace('c', 'local', { provider: 'local' })]);
    await expect(provider.refresh()).resolves.toEqual({
      count: 2,
      keptClusters: [],
    });
    expect(held(mutations)).toEqual(['a', 'c']);
  });

  it('lists a desktop ordered on a cluster that is down, next to the ones it kept', async () => {
    const answer = listing([workspace('a')]);
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    await provider.refresh();
    answer([unreachable(workspace('new'))]);
    await provider.refresh();
    expect(held(mutations)).toEqual(['a', 'new']);
  });

  it('applies announced changes as deltas, and ignores other topics and malformed events', async () => {
    const { provider, connection, mutations, events, logger } = setup();
    await provider.connect(connection);
    await events.publish({
      topic: WORKSPACES_EVENT_TOPIC,
      eventPayload: { type: 'created', workspace: workspace('new') },
    });
    await events.publish({
      topic: WORKSPACES_EVENT_TOPIC,
      eventPayload: {
        type: 'changed',
        workspace: workspace('new', 'rke2-prod', { diskGi: 80 }),
      },
    });
    await events.publish({
      topic: WORKSPACES_EVENT_TOPIC,
      eventPayload: { type: 'deleted', workspace: workspace('old') },
    });
    await events.publish({
      topic: 'other',
      eventPayload: { type: 'created', workspace: workspace('ignored') },
    });
    await events.publish({
      topic: WORKSPACES_EVENT_TOPIC,
      eventPayload: { type: 'created', workspace: { name: 'half' } },
    });
    await events.publish({
      topic: WORKSPACES_EVENT_TOPIC,
      eventPayload: { type: 'exploded', workspace: workspace('x') },
    });
    expect(mutations).toEqual([
      {
        type: 'delta',
        added: [
          {
            locationKey: 'workspaces:rke2-prod',
            entity: expect.objectContaining({
              metadata: expect.objectContaining({ name: 'new' }),
            }),
          },
        ],
        removed: [],
      },
      {
        type: 'delta',
        added: [
          {
            locationKey: 'workspaces:rke2-prod',
            entity: expect.objectContaining({
              spec: expect.objectContaining({ diskGi: 80 }),
            }),
          },
        ],
        removed: [],
      },
      {
        type: 'delta',
        added: [],
        removed: [
          {
            entityRef: 'workspace:default/old',
            locationKey: 'workspaces:rke2-prod',
          },
        ],
      },
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Ignored a malformed event'),
    );
  });

  it('does not bring back a desktop deleted while its cluster is down', async () => {
    const answer = listing([workspace('a'), workspace('b')]);
    const { provider, connection, mutations, events } = setup();
    await provider.connect(connection);
    await provider.refresh();
    await events.publish({
      topic: WORKSPACES_EVENT_TOPIC,
      eventPayload: { type: 'deleted', workspace: workspace('b') },
    });
    answer([unreachable(workspace('a'))]);
    await provider.refresh();
    expect(held(mutations)).toEqual(['a']);
  });

  it('does not lose a desktop announced while a full listing is in flight', async () => {
    let release!: () => void;
    const released = new Promise<void>(r => {
      release = r;
    });
    let listings = 0;
    server.use(
      http.get(`${BASE}/workspaces`, async () => {
        // The sync's listing was read before 'late' existed and after 'gone'
        // was deleted; the one after its full mutation is current.
        if (listings++ > 0)
          return HttpResponse.json([workspace('a'), workspace('late')]);
        await released;
        return HttpResponse.json([workspace('a'), workspace('gone')]);
      }),
    );
    const { provider, connection, mutations, events } = setup();
    await provider.connect(connection);
    const sync = provider.refresh();
    await delay(20);
    await events.publish({
      topic: WORKSPACES_EVENT_TOPIC,
      eventPayload: { type: 'created', workspace: workspace('late') },
    });
    await events.publish({
      topic: WORKSPACES_EVENT_TOPIC,
      eventPayload: { type: 'deleted', workspace: workspace('gone') },
    });
    release();
    await sync;
    expect(mutations.map(m => m.type)).toEqual(['delta', 'delta', 'full']);
    expect(names(lastFull(mutations).entities)).toEqual(['a', 'late']);
  });

  it('repairs at once what another replica changed while its full listing was in flight', async () => {
    // Each event reaches one replica: this one never hears of 'ordered'
    // (created elsewhere) or 'deleted' (removed elsewhere), and its listing
    // predates both.
    let listings = 0;
    server.use(
      http.get(`${BASE}/workspaces`, () =>
        HttpResponse.json(
          listings++ === 0
            ? [workspace('a'), workspace('deleted')]
            : [workspace('a'), workspace('ordered')],
        ),
      ),
    );
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    await provider.refresh();
    expect(mutations.map(m => m.type)).toEqual(['full', 'delta']);
    expect(held(mutations)).toEqual(['a', 'ordered']);
    // Nothing changed since: the next sync sends nothing.
    await provider.refresh();
    expect(mutations).toHaveLength(2);
  });

  it('after the first full sync, sends only what changed, and nothing when nothing did', async () => {
    const answer = listing([workspace('a'), workspace('b'), workspace('c')]);
    const { provider, connection, mutations, events } = setup();
    await provider.connect(connection);
    await provider.refresh();
    expect(mutations.map(m => m.type)).toEqual(['full']);
    // Announced and applied already: the next sync must not send it again.
    await events.publish({
      topic: WORKSPACES_EVENT_TOPIC,
      eventPayload: { type: 'created', workspace: workspace('e') },
    });
    answer([
      workspace('a'),
      workspace('b', 'rke2-prod', { diskGi: 80 }),
      workspace('d', 'local', { provider: 'local' }),
      workspace('e'),
    ]);
    await expect(provider.refresh()).resolves.toEqual({
      count: 4,
      keptClusters: [],
    });
    expect(mutations.slice(2)).toEqual([
      {
        type: 'delta',
        added: [
          expect.objectContaining({
            entity: expect.objectContaining({
              metadata: expect.objectContaining({ name: 'b' }),
              spec: expect.objectContaining({ diskGi: 80 }),
            }),
          }),
          expect.objectContaining({ locationKey: 'workspaces:local' }),
        ],
        removed: [
          {
            entityRef: 'workspace:default/c',
            locationKey: 'workspaces:rke2-prod',
          },
        ],
      },
    ]);
    expect(held(mutations)).toEqual(['a', 'b', 'd', 'e']);
    await provider.refresh();
    expect(mutations).toHaveLength(3);
  });

  it('sends every fullSyncEvery-th sync in full, and resends a change whose mutation failed', async () => {
    const answer = listing([workspace('a')]);
    const { provider, connection, mutations } = setup(3);
    const apply = connection.applyMutation;
    await provider.connect(connection);
    await provider.refresh();
    answer([workspace('a'), workspace('b')]);
    connection.applyMutation = async () => {
      throw new Error('database is locked');
    };
    await expect(provider.refresh()).rejects.toThrow('database is locked');
    connection.applyMutation = apply;
    await provider.refresh();
    await provider.refresh();
    await provider.refresh();
    expect(mutations.map(m => m.type)).toEqual(['full', 'delta', 'full']);
    expect(mutations[1]).toMatchObject({
      added: [{ entity: { metadata: { name: 'b' } } }],
    });
    expect(held(mutations)).toEqual(['a', 'b']);

    // 1 is what the provider did before deltas: every sync in full.
    const always = setup(1);
    await always.provider.connect(always.connection);
    await always.provider.refresh();
    await always.provider.refresh();
    expect(always.mutations.map(m => m.type)).toEqual(['full', 'full']);
  });

  it('syncs 10,000 desktops across 3 clusters in one pass with bounded memory', async () => {
    const all = Array.from({ length: 10_000 }, (_, i) =>
      workspace(`desk-${i}`, `cluster-${i % 3}`, {
        owner: `group:default/team-${i % 50}`,
        expiresAt: '2026-12-01T07:00:00.000Z',
      }),
    );
    listing(all);
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    await provider.refresh();
    const ms = performance.now() - started;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    // eslint-disable-next-line no-console
    console.log(
      `catalog sync of 10,000 desktops: ${ms.toFixed(0)} ms, heap growth ${(
        heapGrowth /
        2 ** 20
      ).toFixed(1)} MiB${
        global.gc ? '' : ' (no --expose-gc: includes garbage)'
      }`,
    );
    expect(mutations).toHaveLength(1);
    const full = lastFull(mutations);
    expect(full.entities).toHaveLength(10_000);
    expect(new Set(full.entities.map(e => e.entity.metadata.name)).size).toBe(
      10_000,
    );
    const perCluster = new Map<string, number>();
    for (const e of full.entities) {
      perCluster.set(e.locationKey!, (perCluster.get(e.locationKey!) ?? 0) + 1);
    }
    expect(Object.fromEntries(perCluster)).toEqual({
      'workspaces:cluster-0': 3334,
      'workspaces:cluster-1': 3333,
      'workspaces:cluster-2': 3333,
    });
    // Generous, but a leak or a quadratic pass would blow through it.
    expect(heapGrowth).toBeLessThan(200 * 2 ** 20);
    expect(ms).toBeLessThan(10_000);
  });
});
