import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { CatalogTable } from '@backstage/plugin-catalog';
import {
  defaultEntityPresentation,
  EntityKindFilter,
  entityPresentationApiRef,
  entityRouteRef,
  MockEntityListContextProvider,
  MockStarredEntitiesApi,
  starredEntitiesApiRef,
} from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import type { WorkspacesApi } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { running, workspacesApi } from '../__testUtils__/fixtures';
import { workspaceCatalogColumns } from './workspaceColumns';
import { LIVE_STATUS_FRESH_MS, liveStatuses } from './liveStatuses';

jest.setTimeout(30_000);

const entity = (name: string): Entity => ({
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'linux',
    owner: 'user:default/alice',
    flavor: 'ubuntu-desktop',
    size: 'medium',
    cluster: 'rke2-prod',
  },
});

async function renderTable(api: WorkspacesApi, entities: Entity[]) {
  renderInTestApp(
    <MockEntityListContextProvider
      value={{
        entities,
        totalItems: entities.length,
        filters: { kind: new EntityKindFilter('workspace', 'Workspace') },
      }}
    >
      <CatalogTable columns={workspaceCatalogColumns} />
    </MockEntityListContextProvider>,
    {
      apis: [
        [workspacesApiRef, api],
        [starredEntitiesApiRef, new MockStarredEntitiesApi()],
        [
          entityPresentationApiRef,
          {
            forEntity: (e: Entity | string) => {
              const snapshot = defaultEntityPresentation(e);
              return { snapshot, promise: Promise.resolve(snapshot) };
            },
          },
        ],
      ],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name':
          convertLegacyRouteRef(entityRouteRef),
      },
    },
  );
  await screen.findByText(entities[0].metadata.name);
}

const rowOf = (name: string) => screen.getByText(name).closest('tr')!;

describe('createWorkspaceStatusColumn', () => {
  it('shows each listed desktop its live phase from one listing', async () => {
    const api = workspacesApi({
      listWorkspaces: jest.fn(async () => [
        running,
        {
          ...running,
          name: 'bob-win',
          status: { phase: 'Stopped' as const, ready: false },
        },
      ]),
    });
    await renderTable(api, [
      entity('alice-dev'),
      entity('bob-win'),
      entity('carol-gone'),
    ]);
    expect(
      screen.getAllByRole('columnheader').map(h => h.textContent),
    ).toContain('Status');
    expect(
      await within(rowOf('alice-dev')).findByText('Running'),
    ).toBeInTheDocument();
    expect(within(rowOf('bob-win')).getByText('Stopped')).toBeInTheDocument();
    // Not readable by this person, or deleted since the catalog last looked.
    await waitFor(() =>
      expect(within(rowOf('carol-gone')).getByText('—')).toHaveAttribute(
        'title',
        'Not one of your desktops, or gone',
      ),
    );
    expect(api.listWorkspaces).toHaveBeenCalledTimes(1);
    expect(api.listWorkspaces).toHaveBeenCalledWith();
  });

  it('says why a status is missing when the listing fails', async () => {
    const api = workspacesApi({
      listWorkspaces: jest.fn(async () => {
        throw new Error('backend unavailable');
      }),
    });
    await renderTable(api, [entity('alice-dev')]);
    await waitFor(() =>
      expect(within(rowOf('alice-dev')).getByText('—')).toHaveAttribute(
        'title',
        'Could not read the status: backend unavailable',
      ),
    );
  });
});

describe('liveStatuses', () => {
  it('shares one listing while it is fresh and asks again after', async () => {
    const api = workspacesApi();
    const now = 1_000_000;
    const first = await liveStatuses(api, now);
    await liveStatuses(api, now + LIVE_STATUS_FRESH_MS - 1);
    expect(api.listWorkspaces).toHaveBeenCalledTimes(1);
    expect(first.get('alice-dev')?.phase).toBe('Running');
    await liveStatuses(api, now + LIVE_STATUS_FRESH_MS);
    expect(api.listWorkspaces).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed listing', async () => {
    const list = jest
      .fn()
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValueOnce([running]);
    const api = workspacesApi({ listWorkspaces: list });
    await expect(liveStatuses(api, 5)).rejects.toThrow('down');
    const statuses = await liveStatuses(api, 6);
    expect(statuses.has('alice-dev')).toBe(true);
    expect(list).toHaveBeenCalledTimes(2);
  });
});
