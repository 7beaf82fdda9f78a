import { mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import { EntityProviderConnection, EntityProviderMutation } from '@backstage/plugin-catalog-node';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { WorkspaceEntityProvider } from './WorkspaceEntityProvider';

const BASE = 'http://localhost:7007/api/workspaces';
const server = setupServer();
registerMswTestHooks(server);

const workspace = (name: string, cluster = 'rke2-prod', extra: Partial<Workspace> = {}): Workspace => ({
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

function setup() {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async m => {
      mutations.push(m);
    },
    refresh: async () => {},
  };
  const events = DefaultEventsService.create({ logger: mockServices.logger.mock() });
  const provider = new WorkspaceEntityProvider({
    auth: mockServices.auth(),
    discovery: { getBaseUrl: async () => BASE, getExternalBaseUrl: async () => BASE },
    logger: mockServices.logger.mock(),
    events,
  });
  return { provider, connection, mutations, events };
}

describe('WorkspaceEntityProvider', () => {
  it('mirrors the full listing, asking as itself', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/workspaces`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return HttpResponse.json([workspace('a'), workspace('b', 'local', { provider: 'local', namespace: undefined })]);
      }),
    );
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    await provider.refresh();
    expect(seen[0]).toMatch(/^Bearer /);
    expect(mutations).toHaveLength(1);
    const full = mutations[0] as Extract<EntityProviderMutation, { type: 'full' }>;
    expect(full.type).toBe('full');
    expect(full.entities.map(e => [e.entity.metadata.name, e.locationKey])).toEqual([
      ['a', 'workspaces:rke2-prod'],
      ['b', 'workspaces:local'],
    ]);
    expect(full.entities[0].entity).toMatchObject({
      apiVersion: 'desktopmania.io/v1alpha1',
      kind: 'Workspace',
      metadata: {
        annotations: {
          'backstage.io/managed-by-location': 'workspaces:rke2-prod',
          'backstage.io/managed-by-origin-location': 'workspaces:rke2-prod',
          'backstage.io/kubernetes-id': 'a',
          'backstage.io/kubernetes-namespace': 'workspaces',
          'desktopmania.io/cluster': 'rke2-prod',
        },
      },
      spec: { type: 'linux', owner: 'user:default/alice', flavor: 'ubuntu-desktop', size: 'small', cluster: 'rke2-prod' },
    });
    expect(full.entities[1].entity.metadata.annotations).not.toHaveProperty('backstage.io/kubernetes-namespace');
  });

  it('keeps every entity when the listing fails', async () => {
    server.use(http.get(`${BASE}/workspaces`, () => HttpResponse.json({ error: { message: 'down' } }, { status: 503 })));
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    await expect(provider.refresh()).resolves.toBeUndefined();
    expect(mutations).toEqual([]);
  });

  it('keeps the desktops of an unreachable cluster, which the backend still lists', async () => {
    server.use(
      http.get(`${BASE}/workspaces`, () =>
        HttpResponse.json([
          workspace('a', 'rke2-prod', { status: { phase: 'Unknown', ready: false, message: "Cluster 'rke2-prod' could not be reached" } }),
        ]),
      ),
    );
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    await provider.refresh();
    expect((mutations[0] as any).entities.map((e: any) => e.entity.metadata.name)).toEqual(['a']);
  });

  it('applies announced changes as deltas', async () => {
    const { provider, connection, mutations, events } = setup();
    await provider.connect(connection);
    await events.publish({ topic: 'workspaces', eventPayload: { type: 'created', workspace: workspace('new') } });
    await events.publish({ topic: 'workspaces', eventPayload: { type: 'deleted', workspace: workspace('old') } });
    await events.publish({ topic: 'other', eventPayload: { type: 'created', workspace: workspace('ignored') } });
    expect(mutations).toEqual([
      { type: 'delta', added: [expect.objectContaining({ locationKey: 'workspaces:rke2-prod', entity: expect.objectContaining({ metadata: expect.objectContaining({ name: 'new' }) }) })], removed: [] },
      { type: 'delta', added: [], removed: [{ entityRef: 'workspace:default/old', locationKey: 'workspaces:rke2-prod' }] },
    ]);
  });

  it('syncs 10,000 desktops across clusters in one pass', async () => {
    const listing = Array.from({ length: 10_000 }, (_, i) => workspace(`desk-${i}`, `cluster-${i % 3}`));
    server.use(http.get(`${BASE}/workspaces`, () => HttpResponse.json(listing)));
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    await provider.refresh();
    const ms = Date.now() - t0;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    // eslint-disable-next-line no-console
    console.log(`catalog sync of 10,000 desktops: ${ms} ms, heap growth ${(heapGrowth / 2 ** 20).toFixed(0)} MiB`);
    expect(mutations).toHaveLength(1);
    const full = mutations[0] as any;
    expect(full.entities).toHaveLength(10_000);
    expect(new Set(full.entities.map((e: any) => e.locationKey))).toEqual(new Set(['workspaces:cluster-0', 'workspaces:cluster-1', 'workspaces:cluster-2']));
    // Generous, but a leak or a quadratic pass would blow through it.
    expect(heapGrowth).toBeLessThan(300 * 2 ** 20);
    expect(ms).toBeLessThan(20_000);
  });
});
