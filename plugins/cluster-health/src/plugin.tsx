import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import AssessmentIcon from '@material-ui/icons/Assessment';
import { ClusterHealthClient, clusterHealthApiRef } from './api';
import { hasClusterHealth } from './filters';
import { rootRouteRef } from './routes';

const clusterHealthApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: clusterHealthApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ClusterHealthClient({ discoveryApi, fetchApi }),
    }),
});

const clusterHealthPage = PageBlueprint.make({
  params: {
    path: '/cluster-health',
    routeRef: rootRouteRef,
    title: 'Cluster health',
    icon: <AssessmentIcon fontSize="inherit" />,
    // The page brings its own header, with the cluster picker and refresh controls below it.
    noHeader: true,
    loader: () =>
      import('./components/ClusterHealthPage').then(m => (
        <m.ClusterHealthPage />
      )),
  },
});

const clusterHealthCard = EntityCardBlueprint.make({
  name: 'cluster-health',
  params: {
    filter: hasClusterHealth,
    loader: () =>
      import('./components/ClusterHealthCard').then(m => (
        <m.ClusterHealthCard />
      )),
  },
});

/**
 * Cluster health pages for platform owners: nodes, control plane, capacity,
 * desktops, storage and alerts from Prometheus, and a card on each cluster's
 * Resource entity.
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'cluster-health',
  title: 'Cluster health',
  icon: <AssessmentIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [clusterHealthApi, clusterHealthPage, clusterHealthCard],
});
