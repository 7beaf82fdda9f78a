import { screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import type { AppNode } from '@backstage/frontend-plugin-api';
import type {
  NavContentNavItem,
  NavContentNavItems,
} from '@backstage/plugin-app-react';
import { DesktopManiaSidebar } from './Sidebar';

jest.setTimeout(30_000);

// The pages this app has, as the app hands them to its nav content.
const PAGES: Array<[string, string, string]> = [
  ['page:workspaces/home', 'Home', '/'],
  ['page:workspaces', 'My workspaces', '/workspaces'],
  ['page:catalog', 'Catalog', '/catalog'],
  ['page:scaffolder', 'Create', '/create'],
  ['page:cluster-health', 'Cluster health', '/cluster-health'],
  ['page:api-docs', 'APIs', '/api-docs'],
  ['page:catalog-import', 'Register Existing Component', '/catalog-import'],
  ['page:app-visualizer', 'Visualizer', '/visualizer'],
  ['page:user-settings', 'Settings', '/settings'],
  ['page:search', 'Search', '/search'],
];

function collection(left: NavContentNavItem[]): NavContentNavItems {
  const items: NavContentNavItems = {
    take: id => {
      const i = left.findIndex(item => item.node.spec.id === id);
      return i === -1 ? undefined : left.splice(i, 1)[0];
    },
    rest: () => left,
    clone: () => collection([...left]),
    withComponent: Component => ({
      take: id => {
        const item = items.take(id);
        return item ? <Component key={id} {...item} /> : null;
      },
      rest: () =>
        left.map(item => <Component key={item.node.spec.id} {...item} />),
    }),
  };
  return items;
}

const navItems = () =>
  collection(
    PAGES.map(([id, title, href]) => ({
      node: { spec: { id } } as AppNode,
      title,
      href,
      icon: <span />,
      routeRef: {} as any,
    })),
  );

function renderSidebar(ownershipEntityRefs: string[]) {
  return renderInTestApp(
    <DesktopManiaSidebar navItems={navItems()} items={[]} />,
    {
      config: {
        desktopMania: { permissions: { admins: ['group:default/Admins'] } },
      },
      apis: [
        mockApis.identity({
          userEntityRef: ownershipEntityRefs[0],
          ownershipEntityRefs,
        }),
      ],
    },
  );
}

const link = (name: string) => screen.queryByRole('link', { name });
const DEVELOPER_TOOLS = ['APIs', 'Register', 'Visualizer'];

describe('DesktopManiaSidebar', () => {
  it('shows people who use desktops the suite and the catalog only', async () => {
    renderSidebar(['user:default/guest', 'group:default/desktop-users']);
    await waitFor(() => expect(link('My workspaces')).toBeInTheDocument());
    // The logo and the first item both lead home; the logo's name includes
    // the words it shows.
    expect(
      screen
        .getAllByRole('link', { name: /^(Desktop Mania home|Home)$/ })
        .map(l => l.getAttribute('href')),
    ).toEqual(['/', '/']);
    for (const name of [
      'My workspaces',
      'Catalog',
      'Order a desktop',
      'Cluster health',
      'Settings',
    ])
      expect(link(name)).toBeInTheDocument();
    expect(link('Order a desktop')).toHaveAttribute('href', '/create');
    // Give the identity time to load, so hidden means hidden, not not-yet.
    await new Promise(resolve => setTimeout(resolve, 50));
    for (const name of DEVELOPER_TOOLS)
      expect(link(name)).not.toBeInTheDocument();
    expect(link('Search')).not.toBeInTheDocument();
  });

  it("shows admins the developer tools too, matching refs as the backend's policy does", async () => {
    renderSidebar(['user:default/root', 'group:default/admins']);
    for (const name of DEVELOPER_TOOLS)
      expect(await screen.findByRole('link', { name })).toBeInTheDocument();
    expect(link('Register')).toHaveAttribute('href', '/catalog-import');
    expect(link('My workspaces')).toBeInTheDocument();
  });
});
