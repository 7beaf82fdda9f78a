import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { CatalogTable } from '@backstage/plugin-catalog';
import {
  defaultEntityPresentation,
  EntityKindFilter,
  entityPresentationApiRef,
  MockEntityListContextProvider,
  entityRouteRef,
  MockStarredEntitiesApi,
  starredEntitiesApiRef,
} from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { running, workspacesApi } from '../__testUtils__/fixtures';
import { workspaceCatalogColumns } from './workspaceColumns';

const workspace = (
  name: string,
  type: string,
  size: string,
  expiresAt?: string,
): Entity => ({
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name, namespace: 'default' },
  spec: {
    type,
    owner: 'user:default/alice',
    flavor: `${type}-desktop`,
    size,
    cluster: 'rke2-prod',
    expiresAt,
  },
  relations: [{ type: 'ownedBy', targetRef: 'user:default/alice' }],
});

async function renderTable(kind: string, entities: Entity[]) {
  renderInTestApp(
    <MockEntityListContextProvider
      value={{
        entities,
        totalItems: entities.length,
        filters: { kind: new EntityKindFilter(kind, kind) },
      }}
    >
      <CatalogTable columns={workspaceCatalogColumns} />
    </MockEntityListContextProvider>,
    {
      apis: [
        [starredEntitiesApiRef, new MockStarredEntitiesApi()],
        [
          workspacesApiRef,
          workspacesApi({
            listWorkspaces: async () => [{ ...running, name: 'alice-win' }],
          }),
        ],
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

describe('workspaceCatalogColumns', () => {
  it('shows what people pick a desktop by when the kind is Workspace', async () => {
    await renderTable('workspace', [
      workspace('alice-win', 'windows', 'large', '2026-12-01T07:00:00.000Z'),
      workspace('alice-dev', 'linux', 'medium'),
    ]);
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toEqual(
      expect.arrayContaining([
        'Name',
        'Owner',
        'Status',
        'Desktop',
        'Cluster',
        'Expires',
      ]),
    );
    expect(headers).not.toContain('Lifecycle');
    // OS and size sit under the flavor so the table fits a 1366 px screen.
    expect(headers).not.toContain('OS');
    expect(headers).not.toContain('Size');

    const win = screen.getByText('alice-win').closest('tr')!;
    expect(within(win).getByText('windows-desktop')).toBeInTheDocument();
    expect(within(win).getByText('Windows · large')).toBeInTheDocument();
    // Expiry in words, the date itself on hover.
    expect(
      within(win).getByTitle(
        new Date('2026-12-01T07:00:00.000Z').toLocaleString(),
      ),
    ).toHaveTextContent(/^(in \d+ (min|h|days)|expired)$/);
    // Neither the status nor the expiry breaks inside a word.
    const status = await within(win).findByText('Running');
    expect(status.closest('[style*="white-space: nowrap"]')).not.toBeNull();
    expect(
      within(win)
        .getByTitle(new Date('2026-12-01T07:00:00.000Z').toLocaleString())
        .closest('[style*="white-space: nowrap"]'),
    ).not.toBeNull();
    const dev = screen.getByText('alice-dev').closest('tr')!;
    expect(within(dev).getByText('Linux · medium')).toBeInTheDocument();
    expect(within(dev).getByText('never')).toBeInTheDocument();
  });

  it("keeps the catalog's own columns for other kinds", async () => {
    await renderTable('component', [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'portal' },
        spec: {
          type: 'website',
          lifecycle: 'production',
          owner: 'group:default/platform',
        },
      },
    ]);
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toEqual(
      expect.arrayContaining(['Name', 'Owner', 'Lifecycle']),
    );
    expect(headers).not.toContain('Flavor');
  });
});
