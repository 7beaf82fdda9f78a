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
import HomeIcon from '@material-ui/icons/Home';
import {
  isWorkspaceEntity,
  WorkspacesClient,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import {
  consoleRouteRef,
  createDesktopRouteRef,
  DESKTOP_TAB_PATH,
  homeRouteRef,
  recordingRouteRef,
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

// Under the desktop's name, beside its console; the backend lets only
// admins and the desktop's owner read a recording.
const recordingPage = PageBlueprint.make({
  name: 'recording',
  params: {
    path: '/workspaces/:name/recordings/:id',
    routeRef: recordingRouteRef,
    loader: () =>
      import('./components/recordings/RecordingPage').then(m => (
        <m.RecordingPage />
      )),
  },
});

// A landing page for people who use desktops. Its own path keeps it out of
// an adopter's home; an app that wants it as its home sets `path: /`.
const homePage = PageBlueprint.make({
  name: 'home',
  params: {
    path: '/workspaces/home',
    routeRef: homeRouteRef,
    title: 'Home',
    icon: <HomeIcon fontSize="inherit" />,
    loader: () =>
      import('./components/home/WorkspacesHomePage').then(m => (
        <m.WorkspacesHomePage />
      )),
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

const workingHoursCard = EntityCardBlueprint.make({
  name: 'working-hours',
  params: {
    filter: isWorkspaceEntity,
    loader: () =>
      import('./components/workingHours/WorkingHoursCard').then(m => (
        <m.WorkingHoursCard />
      )),
  },
});

// Only those who manage the desktop see it; it renders nothing for others.
const sharingCard = EntityCardBlueprint.make({
  name: 'sharing',
  params: {
    filter: isWorkspaceEntity,
    loader: () =>
      import('./components/sharing/SharingCard').then(m => <m.SharingCard />),
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

const filesContent = EntityContentBlueprint.make({
  name: 'files',
  params: {
    path: 'files',
    title: 'Files',
    filter: isWorkspaceEntity,
    loader: () =>
      import('./components/files/FilesTab').then(m => <m.FilesTab />),
  },
});

const snapshotsContent = EntityContentBlueprint.make({
  name: 'snapshots',
  params: {
    path: 'snapshots',
    title: 'Snapshots',
    filter: isWorkspaceEntity,
    loader: () =>
      import('./components/snapshots/SnapshotsTab').then(m => (
        <m.SnapshotsTab />
      )),
  },
});

const recordingsContent = EntityContentBlueprint.make({
  name: 'recordings',
  params: {
    path: 'recordings',
    title: 'Recordings',
    filter: isWorkspaceEntity,
    loader: () =>
      import('./components/recordings/RecordingsTab').then(m => (
        <m.RecordingsTab />
      )),
  },
});

type Fields = typeof import('./components/fields');

/**
 * A template field of this plugin. All of them load together, with the
 * first form that needs one; `validation` runs when the step is submitted.
 */
function workspaceField<TId extends string>(
  id: TId,
  name: string,
  pick: (fields: Fields) => { component: unknown; validation?: unknown },
) {
  return FormFieldBlueprint.make({
    name: id,
    params: {
      field: () =>
        import('./components/fields').then(fields => {
          const { component, validation } = pick(fields);
          return createFormField({
            name,
            component: component as any,
            validation: validation as any,
          });
        }),
    },
  });
}

const flavorPicker = workspaceField(
  'flavor-picker',
  'WorkspaceFlavorPicker',
  f => ({
    component: f.WorkspaceFlavorPicker,
    validation: f.validateImage,
  }),
);
const sizePicker = workspaceField('size-picker', 'WorkspaceSizePicker', f => ({
  component: f.WorkspaceSizePicker,
}));
const diskPicker = workspaceField('disk-picker', 'WorkspaceDiskPicker', f => ({
  component: f.WorkspaceDiskPicker,
}));
const clusterPicker = workspaceField(
  'cluster-picker',
  'WorkspaceClusterPicker',
  f => ({
    component: f.WorkspaceClusterPicker,
  }),
);
const namePicker = workspaceField('name-picker', 'WorkspaceNamePicker', f => ({
  component: f.WorkspaceNamePicker,
  validation: f.validateName,
}));
const ownerPicker = workspaceField(
  'owner-picker',
  'WorkspaceOwnerPicker',
  f => ({
    component: f.WorkspaceOwnerPicker,
    validation: f.validateOwner,
  }),
);
const orderSummary = workspaceField(
  'order-summary',
  'WorkspaceOrderSummary',
  f => ({
    component: f.WorkspaceOrderSummary,
  }),
);

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
  routes: {
    root: rootRouteRef,
    console: consoleRouteRef,
    home: homeRouteRef,
    recording: recordingRouteRef,
  },
  externalRoutes: { createDesktop: createDesktopRouteRef },
  extensions: [
    workspacesApi,
    myWorkspacesPage,
    consolePage,
    recordingPage,
    homePage,
    overviewCard,
    workingHoursCard,
    sharingCard,
    desktopContent,
    filesContent,
    snapshotsContent,
    recordingsContent,
    flavorPicker,
    sizePicker,
    diskPicker,
    clusterPicker,
    namePicker,
    ownerPicker,
    orderSummary,
  ],
});
