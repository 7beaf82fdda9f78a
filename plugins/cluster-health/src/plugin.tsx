import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import AssessmentIcon from '@material-ui/icons/Assessment';
import { ClusterHealthClient, clusterHealthApiRef } from './api';
import { ANNOTATION_CLUSTER_HEALTH } from './components/ClusterHealthCard';

const rootRouteRef = createRouteRef();

const api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: clusterHealthApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ClusterHealthClient({ discoveryApi, fetchApi }),
    }),
});

const page = PageBlueprint.make({
  params: {
    path: '/cluster-health',
    routeRef: rootRouteRef,
    title: 'Cluster health',
    icon: <AssessmentIcon fontSize="inherit" />,
    loader: () => import('./components/ClusterHealthPage').then(m => <m.ClusterHealthPage />),
  },
});

const card = EntityCardBlueprint.make({
  name: 'cluster-health',
  params: {
    filter: entity => entity.kind.toLocaleLowerCase('en-US') === 'resource' && !!entity.metadata.annotations?.[ANNOTATION_CLUSTER_HEALTH],
    loader: () => import('./components/ClusterHealthCard').then(m => <m.ClusterHealthCard />),
  },
});

/**
 * Cluster health pages for platform owners: nodes, capacity, desktops,
 * storage and alerts from Prometheus, and a card on the cluster's entity page.
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'cluster-health',
  title: 'Cluster health',
  icon: <AssessmentIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [api, page, card],
});
