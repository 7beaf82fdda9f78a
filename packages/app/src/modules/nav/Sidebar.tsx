import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import {
  NavContentBlueprint,
  type NavContentComponentProps,
  type NavContentNavItem,
} from '@backstage/plugin-app-react';
import { SidebarLogo } from './SidebarLogo';
import MenuIcon from '@material-ui/icons/Menu';
import SearchIcon from '@material-ui/icons/Search';
import { SidebarSearchModal } from '@backstage/plugin-search';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import { useIsAdmin } from './useIsAdmin';

/**
 * Labels that fit the sidebar whole. Pages title themselves for their own
 * headers; some of those titles are too long, or say nothing to someone who
 * came for a desktop.
 */
const LABELS: Record<string, string> = {
  'page:workspaces/home': 'Home',
  'page:workspaces': 'My workspaces',
  'page:scaffolder': 'Order a desktop',
  'page:cluster-health': 'Cluster health',
  'page:catalog-import': 'Register',
  'page:catalog-graph': 'Catalog graph',
};

function NavItem(item: NavContentNavItem) {
  return (
    <SidebarItem
      icon={() => item.icon}
      to={item.href}
      text={LABELS[item.node.spec.id] ?? item.title}
    />
  );
}

/**
 * The portal's sidebar. People who use desktops see the suite's pages and
 * the catalog; the pages of developer tools (APIs, registering components,
 * the visualizer, and any page a new plugin adds) are shown to admins only.
 * Hiding them is cosmetic: anyone may still type a page's address, so only
 * the backend's permission policy can refuse what a page would do.
 */
export function DesktopManiaSidebar({ navItems }: NavContentComponentProps) {
  const { isAdmin } = useIsAdmin();
  // A copy per render: `take` removes items, and this component renders
  // again with the same collection once it knows who is signed in.
  const nav = navItems.clone().withComponent(NavItem);

  // Skipped items
  nav.take('page:search'); // Using search modal instead
  // Shown as the bell, which counts unread notifications, and only when the
  // notifications plugin is installed: the bell needs its API.
  const hasNotifications = nav.take('page:notifications') !== null;

  // Taken before `rest`, so that they never show up twice.
  const everyone = [
    nav.take('page:workspaces/home'),
    nav.take('page:workspaces'),
    nav.take('page:catalog'),
    // The order form: the only templates here order desktops.
    nav.take('page:scaffolder'),
    nav.take('page:cluster-health'),
  ];
  const visualizer = nav.take('page:app-visualizer');
  const settings = nav.take('page:user-settings');
  const developerTools = nav.rest({ sortBy: 'title' });

  return (
    <Sidebar>
      <SidebarLogo />
      <SidebarGroup label="Search" icon={<SearchIcon />} to="/search">
        <SidebarSearchModal />
      </SidebarGroup>
      <SidebarDivider />
      <SidebarGroup label="Menu" icon={<MenuIcon />}>
        {everyone}
        {isAdmin && developerTools.length > 0 && (
          <>
            <SidebarDivider />
            <SidebarScrollWrapper>{developerTools}</SidebarScrollWrapper>
          </>
        )}
      </SidebarGroup>
      <SidebarSpace />
      <SidebarDivider />
      {hasNotifications && <NotificationsSidebarItem />}
      <SidebarGroup
        label="Settings"
        icon={<UserSettingsSignInAvatar />}
        to="/settings"
      >
        {isAdmin && visualizer}
        {settings}
      </SidebarGroup>
    </Sidebar>
  );
}

export const SidebarContent = NavContentBlueprint.make({
  params: {
    component: props => <DesktopManiaSidebar {...props} />,
  },
});
