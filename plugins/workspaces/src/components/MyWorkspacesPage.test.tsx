import { screen, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  createFrontendPlugin,
  createRouteRef,
  type FrontendFeature,
  type RouteRef,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type {
  WorkspaceFlavors,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import workspacesPlugin from '../plugin';
import { running, workspacesApi } from '../__testUtils__/fixtures';
import { MyWorkspacesPage } from './MyWorkspacesPage';

// Stands in for @backstage/plugin-scaffolder, whose `root` route is the
// create page, so that the default target of the order link resolves.
const scaffolderRoot = createRouteRef();
const scaffolder = createFrontendPlugin({
  pluginId: 'scaffolder',
  routes: { root: scaffolderRoot },
});

function renderPage(
  options: {
    api?: WorkspacesApi;
    features?: FrontendFeature[];
    mountedRoutes?: Record<string, RouteRef>;
    bindings?: Record<string, string>;
  } = {},
) {
  const api = options.api ?? workspacesApi();
  renderInTestApp(<MyWorkspacesPage />, {
    features: [workspacesPlugin, ...(options.features ?? [scaffolder])],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': convertLegacyRouteRef(entityRouteRef),
      ...(options.mountedRoutes ?? { '/create': scaffolderRoot }),
    },
    config: options.bindings && {
      app: { routes: { bindings: options.bindings } },
    },
    apis: [
      [workspacesApiRef, api],
      mockApis.identity({
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice', 'group:default/dev'],
      }),
      mockApis.permission(),
    ],
  });
  return api;
}

const orderLinks = () =>
  screen.getAllByRole('button', { name: 'Order a desktop' });

describe('MyWorkspacesPage', () => {
  it("lists the person's and their groups' desktops, linked to their entity pages", async () => {
    const api = renderPage();
    const name = await screen.findByRole('link', { name: running.name });
    expect(api.listWorkspaces).toHaveBeenCalledWith({
      owner: ['user:default/alice', 'group:default/dev'],
    });
    expect(name).toHaveAttribute(
      'href',
      '/catalog/default/workspace/alice-dev',
    );
    const row = name.closest('tr')!;
    expect(within(row).getByText('rke2-prod')).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Open' })).toHaveAttribute(
      'href',
      '/catalog/default/workspace/alice-dev/desktop',
    );
    expect(
      within(row).getByRole('button', { name: 'Stop' }),
    ).toBeInTheDocument();
  });

  it("orders desktops on the scaffolder's create page without any binding", async () => {
    renderPage();
    await screen.findByRole('link', { name: running.name });
    expect(orderLinks().map(l => l.getAttribute('href'))).toEqual(['/create']);
  });

  it('offers to order a first desktop', async () => {
    const linuxOnly = {
      images: [{ name: 'debian-desktop', title: 'Debian', os: 'linux' }],
    } as unknown as WorkspaceFlavors;
    renderPage({
      api: workspacesApi({
        listWorkspaces: async () => [],
        getFlavors: async () => linuxOnly,
      }),
    });
    expect(
      await screen.findByText('You have no desktops yet'),
    ).toBeInTheDocument();
    // Only what this portal's images offer.
    expect(
      await screen.findByText(
        'Order a Linux desktop from a Software Template.',
      ),
    ).toBeInTheDocument();
    expect(orderLinks().map(l => l.getAttribute('href'))).toEqual([
      '/create',
      '/create',
    ]);
  });

  it('orders desktops wherever the app binds the order route', async () => {
    const orderRoot = createRouteRef();
    renderPage({
      features: [
        scaffolder,
        createFrontendPlugin({
          pluginId: 'orders',
          routes: { root: orderRoot },
        }),
      ],
      mountedRoutes: { '/create': scaffolderRoot, '/orders': orderRoot },
      bindings: { 'workspaces.createDesktop': 'orders.root' },
    });
    await screen.findByRole('link', { name: running.name });
    expect(orderLinks().map(l => l.getAttribute('href'))).toEqual(['/orders']);
  });

  it('offers no order button when the app has nowhere to order from', async () => {
    renderPage({ features: [], mountedRoutes: {} });
    await screen.findByRole('link', { name: running.name });
    expect(
      screen.queryByRole('button', { name: 'Order a desktop' }),
    ).not.toBeInTheDocument();
  });
});
