import type { Entity } from '@backstage/catalog-model';
import type {
  Workspace,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';

export const running: Workspace = {
  name: 'alice-dev',
  cluster: 'rke2-prod',
  provider: 'kubevirt',
  namespace: 'workspaces',
  os: 'linux',
  image: 'ubuntu-desktop',
  size: 'medium',
  diskGi: 60,
  owner: 'user:default/alice',
  createdBy: 'user:default/alice',
  createdAt: '2026-11-24T07:00:00.000Z',
  expiresAt: '2026-12-01T07:00:00.000Z',
  status: {
    phase: 'Running',
    ready: true,
    ip: '10.42.1.7',
    node: 'rke2-worker-1',
  },
};

/** The backend with one desktop; an action answers with the phase it leads to. */
export function workspacesApi(
  overrides: Partial<WorkspacesApi> = {},
): WorkspacesApi {
  return {
    getWorkspace: jest.fn(async () => running),
    listWorkspaces: jest.fn(async () => [running]),
    runAction: jest.fn(
      async (_n, action) =>
        ({
          ...running,
          status: {
            phase: action === 'stop' ? 'Stopping' : 'Starting',
            ready: false,
          },
        } as Workspace),
    ),
    deleteWorkspace: jest.fn(async () => undefined),
    listShares: jest.fn(async () => ({ items: [] })),
    listSharedWithMe: jest.fn(async () => ({ items: [] })),
    ...overrides,
  } as unknown as WorkspacesApi;
}

/** The people and team the tests order and share for, as the catalog knows them. */
export const catalogPeople = {
  alice: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice', namespace: 'default' },
    spec: { profile: { displayName: 'Alice Example' } },
  },
  bob: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'bob', namespace: 'default' },
    spec: { profile: { displayName: 'Bob Builder' } },
  },
  teamA: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default', title: 'Team A' },
    spec: { type: 'team', children: [] },
  },
} satisfies Record<string, Entity>;
