import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { rootRouteRef } from '../routes';
import {
  alerts,
  answer,
  BASE,
  clusterHealthServer,
  notAllowed,
  overview,
  overviewFails,
  overviewWith,
  renderWithClient,
} from '../__testUtils__/fixtures';
import { ClusterHealthCard } from './ClusterHealthCard';

const server = clusterHealthServer();

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'rke2-prod',
    annotations: { 'desktopmania.io/cluster-health': 'rke2-prod' },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform-owners' },
};

function renderCard() {
  return renderWithClient(
    <EntityProvider entity={entity}>
      <ClusterHealthCard />
    </EntityProvider>,
    { mountedRoutes: { '/cluster-health': rootRouteRef } },
  );
}

describe('ClusterHealthCard', () => {
  it("summarises the annotated cluster's health and links to its page", async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${BASE}/clusters/:cluster/overview`, ({ params }) => {
        asked.push(String(params.cluster));
        return HttpResponse.json(overview());
      }),
    );
    renderCard();
    const card = await screen.findByTestId('cluster-health-card');
    expect(
      await within(card).findByText('Nodes ready: 4/5'),
    ).toBeInTheDocument();
    expect(
      await within(card).findByText('Firing alerts: 2'),
    ).toBeInTheDocument();
    expect(within(card).getByText('1 critical')).toBeInTheDocument();
    expect(within(card).getByText('Desktops: 13')).toBeInTheDocument();
    expect(within(card).getByText('8 running')).toBeInTheDocument();
    expect(within(card).getByText('CPU 31.4 %')).toBeInTheDocument();
    expect(
      within(card).getByText('Longhorn volumes not healthy: 2'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /open cluster health/i }),
    ).toHaveAttribute('href', '/cluster-health?cluster=rke2-prod');
    expect(asked).toEqual(['rke2-prod']);
  });

  it('says nodes and Longhorn are not available on a single machine', async () => {
    server.use(
      overviewWith({
        nodesReady: answer('nodesReady', { data: [] }),
        longhornNodeCapacity: answer('longhornNodeCapacity', { data: [] }),
        longhornVolumeRobustness: answer('longhornVolumeRobustness', {
          data: [],
        }),
        longhornUnhealthyVolumes: answer('longhornUnhealthyVolumes', {
          data: [],
        }),
      }),
    );
    renderCard();
    const card = await screen.findByTestId('cluster-health-card');
    expect(
      await within(card).findByText('Nodes: Not available on this cluster'),
    ).toBeInTheDocument();
    expect(
      within(card).getByText('Longhorn: Not available on this cluster'),
    ).toBeInTheDocument();
    expect(within(card).queryByText('not all ready')).not.toBeInTheDocument();
    expect(within(card).getByText('CPU 31.4 %')).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    server.use(
      http.get(
        `${BASE}/clusters/:cluster/overview`,
        () => new Promise(() => {}),
      ),
    );
    renderCard();
    const card = await screen.findByTestId('cluster-health-card');
    expect(within(card).getByTestId('progress')).toBeInTheDocument();
  });

  it("says the person doesn't have access on 403", async () => {
    server.use(
      http.get(`${BASE}/clusters/:cluster/overview`, notAllowed),
      http.get(`${BASE}/clusters/:cluster/alerts`, notAllowed),
    );
    renderCard();
    expect(
      await screen.findByText("You don't have access to cluster health."),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Nodes ready/)).not.toBeInTheDocument();
  });

  it('says the cluster is not configured on 404', async () => {
    server.use(
      overviewFails(
        404,
        'NotFoundError',
        "No cluster named 'rke2-prod' is configured",
      ),
    );
    renderCard();
    expect(
      await screen.findByTestId('cluster-not-configured'),
    ).toHaveTextContent("no cluster named 'rke2-prod'");
  });

  it('shows the error when Prometheus cannot be read', async () => {
    server.use(
      overviewFails(
        503,
        'ServiceUnavailableError',
        'Prometheus answered 503 timeout error: query timed out',
      ),
    );
    renderCard();
    expect(await screen.findByTestId('load-error')).toHaveTextContent(
      "Could not read the cluster's health: Prometheus answered 503 timeout error: query timed out",
    );
  });

  it('warns when it shows stale data', async () => {
    server.use(
      overviewWith({
        nodesReady: answer('nodesReady', {
          stale: true,
          error: 'Prometheus did not answer within 5000 ms',
        }),
      }),
      http.get(`${BASE}/clusters/:cluster/alerts`, () =>
        HttpResponse.json(alerts()),
      ),
    );
    renderCard();
    expect(await screen.findByTestId('stale-warning')).toHaveTextContent(
      'Prometheus did not answer within 5000 ms',
    );
    expect(screen.getByText('Nodes ready: 4/5')).toBeInTheDocument();
  });
});
