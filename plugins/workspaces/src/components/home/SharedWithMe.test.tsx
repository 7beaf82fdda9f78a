import { screen, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { WorkspacesApi } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { running, workspacesApi } from '../../__testUtils__/fixtures';
import { SharedWithMe } from './SharedWithMe';

jest.setTimeout(30_000);

const HOUR = 3_600_000;

function render(listSharedWithMe: WorkspacesApi['listSharedWithMe']) {
  const { container } = renderInTestApp(<SharedWithMe />, {
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': convertLegacyRouteRef(entityRouteRef),
    },
    apis: [
      [workspacesApiRef, workspacesApi({ listSharedWithMe })],
      mockApis.permission(),
    ],
  });
  return container;
}

describe('SharedWithMe', () => {
  it('lists each shared desktop with its mode, owner and end, linking to its Desktop tab', async () => {
    render(
      jest.fn(async () => ({
        items: [
          {
            ...running,
            share: {
              mode: 'view' as const,
              expiresAt: new Date(Date.now() + 5 * HOUR + 60_000).toISOString(),
              grantedBy: 'user:default/alice',
            },
          },
        ],
      })),
    );
    const item = await screen.findByTestId('shared-alice-dev');
    expect(
      within(item).getByRole('link', { name: 'alice-dev' }),
    ).toHaveAttribute('href', '/catalog/default/workspace/alice-dev/desktop');
    expect(item).toHaveTextContent('View only');
    expect(item).toHaveTextContent('Owner alice · share ends in 5 h');
    expect(item).toHaveTextContent('Running');
  });

  it('shows nothing while nobody shares a desktop with the person', async () => {
    const listSharedWithMe = jest.fn(async () => ({ items: [] }));
    render(listSharedWithMe);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(listSharedWithMe).toHaveBeenCalled();
    expect(screen.queryByText('Shared with you')).not.toBeInTheDocument();
  });

  it('says in one line when the list cannot be read', async () => {
    render(
      jest.fn(async () => {
        throw new Error('Service unavailable');
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not list desktops shared with you: Service unavailable',
    );
  });
});
