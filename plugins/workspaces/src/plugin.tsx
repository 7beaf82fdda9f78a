import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import DesktopWindowsIcon from '@material-ui/icons/DesktopWindows';
import {
  isWorkspaceEntity,
  WorkspacesClient,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import {
  consoleRouteRef,
  createDesktopRouteRef,
  DESKTOP_TAB_PATH,
  rootRouteRef,
} from './routes';

const workspacesApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: workspacesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new WorkspacesClient({ discoveryApi, fetchApi }),
    }),
});

const myWorkspacesPage = PageBlueprint.make({
  params: {
    path: '/workspaces',
    routeRef: rootRouteRef,
    title: 'My workspaces',
    icon: <DesktopWindowsIcon fontSize="inherit" />,
    loader: () =>
      import('./components/MyWorkspacesPage').then(m => <m.MyWorkspacesPage />),
  },
});

const consolePage = PageBlueprint.make({
  name: 'console',
  params: {
    path: '/workspaces/:name/console',
    routeRef: consoleRouteRef,
    loader: () =>
      import('./components/ConsolePage').then(m => <m.ConsolePage />),
  },
});

const overviewCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: isWorkspaceEntity,
    loader: () =>
      import('./components/WorkspaceOverviewCard').then(m => (
        <m.WorkspaceOverviewCard />
      )),
  },
});

const desktopContent = EntityContentBlueprint.make({
  name: 'desktop',
  params: {
    path: DESKTOP_TAB_PATH,
    title: 'Desktop',
    filter: isWorkspaceEntity,
    loader: () => import('./components/DesktopTab').then(m => <m.DesktopTab />),
  },
});

const flavorPicker = FormFieldBlueprint.make({
  name: 'flavor-picker',
  params: {
    field: () =>
      import('./components/fields/WorkspaceFlavorPickers').then(m =>
        createFormField({
          name: 'WorkspaceFlavorPicker',
          component: m.WorkspaceFlavorPicker as any,
        }),
      ),
  },
});

const sizePicker = FormFieldBlueprint.make({
  name: 'size-picker',
  params: {
    field: () =>
      import('./components/fields/WorkspaceFlavorPickers').then(m =>
        createFormField({
          name: 'WorkspaceSizePicker',
          component: m.WorkspaceSizePicker as any,
        }),
      ),
  },
});

const diskPicker = FormFieldBlueprint.make({
  name: 'disk-picker',
  params: {
    field: () =>
      import('./components/fields/WorkspaceFlavorPickers').then(m =>
        createFormField({
          name: 'WorkspaceDiskPicker',
          component: m.WorkspaceDiskPicker as any,
        }),
      ),
  },
});

/**
 * Desktops in the portal: the Workspace entity page (overview card and
 * Desktop tab), a full-window console, My workspaces, and the template
 * fields that list what can be ordered.
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'workspaces',
  title: 'My workspaces',
  icon: <DesktopWindowsIcon fontSize="inherit" />,
  routes: { root: rootRouteRef, console: consoleRouteRef },
  externalRoutes: { createDesktop: createDesktopRouteRef },
  extensions: [
    workspacesApi,
    myWorkspacesPage,
    consolePage,
    overviewCard,
    desktopContent,
    flavorPicker,
    sizePicker,
    diskPicker,
  ],
});
