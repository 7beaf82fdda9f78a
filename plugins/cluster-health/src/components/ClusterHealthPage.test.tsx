import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  INSTANT_PANELS,
  InstantPanelName,
  RANGE_PANELS,
  RangePanelName,
} from '@desktop-mania/plugin-cluster-health-common';
import { http, HttpResponse } from 'msw';
import {
  alerts,
  answer,
  backendError,
  BASE,
  chart,
  clusterHealthServer,
  FETCHED_AT,
  notAllowed,
  overview,
  overviewWith,
  renderWithClient,
} from '../__testUtils__/fixtures';
import { ClusterHealthPage } from './ClusterHealthPage';

jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  const { cloneElement } = jest.requireActual('react');
  // jsdom has neither layout nor ResizeObserver; a fixed size lets the charts draw their lines.
  return {
    ...actual,
    ResponsiveContainer: ({ children }: { children: JSX.Element }) =>
      cloneElement(children, { width: 400, height: 200 }),
  };
});

// Nine charts and two tables per render: slow machines need more than 5 s.
jest.setTimeout(20_000);

const server = clusterHealthServer();

/** Every chart answers with no series. */
const emptyCharts = () =>
  http.get(`${BASE}/clusters/:cluster/panels/:panel`, ({ params }) =>
    HttpResponse.json({
      panel: params.panel,
      title: 'Empty',
      range: '6h',
      step: 90,
      fetchedAt: FETCHED_AT,
      stale: false,
      data: [],
    }),
  );

function renderPage(
  options: { url?: string; refreshIntervalMs?: number } = {},
) {
  return renderWithClient(
    <ClusterHealthPage refreshIntervalMs={options.refreshIntervalMs} />,
    { initialRouteEntries: [options.url ?? '/cluster-health'] },
  );
}

describe('ClusterHealthPage', () => {
  it('shows every area of the cluster from the backend', async () => {
    renderPage();
    const nodes = await screen.findByTestId('cluster-nodes');
    expect(within(nodes).getByText('Nodes (4/5 ready)')).toBeInTheDocument();
    expect(
      within(nodes).getAllByText('control-plane, etcd, master'),
    ).toHaveLength(3);
    expect(within(nodes).getAllByText('worker')).toHaveLength(2);
    expect(within(nodes).getByText('Not ready')).toBeInTheDocument();

    const controlPlane = screen.getByTestId('cluster-control-plane');
    expect(within(controlPlane).getByTestId('apiserver-up')).toHaveTextContent(
      '3/3',
    );
    expect(
      within(controlPlane).getByTestId('apiserver-errors'),
    ).toHaveTextContent('0.7 %');
    expect(
      within(controlPlane).getByTestId('apiserver-codes'),
    ).toHaveTextContent('200: 51/s · 500: 0.30/s');
    expect(within(controlPlane).getByTestId('etcd-leader')).toHaveTextContent(
      '3/3',
    );
    expect(
      within(controlPlane).getByTestId('etcd-leader-changes'),
    ).toHaveTextContent('1');
    expect(within(controlPlane).getByTestId('etcd-db-size')).toHaveTextContent(
      '50.0 MiB',
    );

    const resources = screen.getByTestId('cluster-resources');
    expect(within(resources).getByTestId('total-cpu')).toHaveTextContent(
      'CPU: 31.4 %',
    );
    expect(
      within(resources).getByTestId('node-resources-rke2-worker-2'),
    ).toHaveTextContent('60.0 %50.0 %90.0 %');

    const storage = screen.getByTestId('cluster-storage');
    expect(within(storage).getByTestId('longhorn-usage')).toHaveTextContent(
      '1.5 TiB used of 3.6 TiB (40.0 %)',
    );
    expect(
      within(storage).getByTestId('longhorn-robustness'),
    ).toHaveTextContent('healthy: 10degraded: 1faulted: 1');
    expect(within(storage).getByTestId('longhorn-states')).toHaveTextContent(
      'attached: 9detached: 3',
    );
    expect(within(storage).getByTestId('longhorn-unhealthy')).toHaveTextContent(
      'workspaces/desk-3-rootdisk: degraded',
    );
    expect(
      within(storage).getByTestId('longhorn-volumes-size'),
    ).toHaveTextContent('720 GiB provisioned, 210 GiB written');

    expect(
      within(screen.getByTestId('cluster-pods')).getByText('17'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('cluster-vmis')).getByText('scheduling'),
    ).toBeInTheDocument();
    const desktops = screen.getByTestId('cluster-desktops');
    expect(
      within(desktops).getByText('Desktops by status'),
    ).toBeInTheDocument();
    expect(within(desktops).getByText('13')).toBeInTheDocument();
    expect(within(desktops).getByTestId('console-sessions')).toHaveTextContent(
      'Console sessions open: 5',
    );

    const alertsTable = screen.getByTestId('cluster-alerts');
    expect(
      await within(alertsTable).findByText('Firing alerts (2)'),
    ).toBeInTheDocument();
    expect(
      within(alertsTable).getByText('LonghornVolumeFaulted'),
    ).toBeInTheDocument();
    expect(
      within(alertsTable).getByText('Node rke2-worker-2 is not ready'),
    ).toBeInTheDocument();

    for (const panel of RANGE_PANELS)
      expect(await screen.findByTestId(`chart-${panel}`)).toBeInTheDocument();
    expect(screen.queryByTestId('stale-warning')).not.toBeInTheDocument();
  });

  it('shows progress while the backend answers', async () => {
    let release!: () => void;
    const held = new Promise<void>(r => (release = r));
    server.use(
      http.get(`${BASE}/clusters/:cluster/overview`, async () => {
        await held;
        return HttpResponse.json(overview());
      }),
    );
    renderPage();
    await waitFor(() =>
      expect(screen.getAllByTestId('progress').length).toBeGreaterThan(0),
    );
    expect(screen.queryByTestId('cluster-nodes')).not.toBeInTheDocument();
    release();
    expect(await screen.findByText('Nodes (4/5 ready)')).toBeInTheDocument();
  });

  it("tells people without cluster-health.read that they don't have access", async () => {
    server.use(http.get(`${BASE}/clusters`, notAllowed));
    renderPage();
    expect(
      await screen.findByText("You don't have access to cluster health"),
    ).toBeInTheDocument();
    expect(screen.getByTestId('access-denied')).toBeInTheDocument();
    expect(screen.queryByTestId('cluster-nodes')).not.toBeInTheDocument();
  });

  it('says in one sentence which Prometheus is not answering and what to do, without a stack trace', async () => {
    const sentence =
      'Prometheus at http://localhost:9090 is not answering (connection refused): start it (the start command, scripts/start.sh, does) or set clusterHealth.clusters[0].prometheus.url to one that runs';
    server.use(
      // The backend's error body in development carries its stack too.
      http.get(`${BASE}/clusters/:cluster/overview`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ServiceUnavailableError',
              message: sentence,
              stack: `ServiceUnavailableError: ${sentence}\n    at PrometheusClient.get (PrometheusClient.ts:95:13)`,
            },
            request: { method: 'GET', url: '/' },
            response: { statusCode: 503 },
          },
          { status: 503 },
        ),
      ),
    );
    renderPage();
    const problem = await screen.findByTestId('load-error');
    expect(problem).toHaveTextContent(
      `Could not read the cluster's health${sentence}`,
    );
    expect(within(problem).getByText(sentence)).toBeVisible();
    expect(screen.queryByText(/stack trace/i)).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('PrometheusClient.get');
    expect(document.body).not.toHaveTextContent('Request failed with 503');
    expect(screen.queryByTestId('cluster-nodes')).not.toBeInTheDocument();
  });

  it('shows a single machine its CPU, memory, disk and desktops, with one line instead of the Kubernetes cards', async () => {
    // What Prometheus with one node-exporter and the portal answers.
    const machine = [{ labels: { nodename: 'laptop', instance: 'laptop' } }];
    const none = (panel: InstantPanelName) => answer(panel, { data: [] });
    const emptyPanels = INSTANT_PANELS.filter(
      p => !/^(node|cluster)(Cpu|Memory|Disk)$/.test(p),
    );
    server.use(
      overviewWith({
        ...Object.fromEntries(emptyPanels.map(p => [p, none(p)])),
        nodeCpu: answer('nodeCpu', {
          data: machine.map(m => ({ ...m, value: 0.25 })),
        }),
        desktopsByPhase: answer('desktopsByPhase', {
          data: [{ labels: { phase: 'Running' }, value: 1 }],
        }),
      }),
      http.get(`${BASE}/clusters/:cluster/alerts`, () =>
        HttpResponse.json(alerts({ data: [] })),
      ),
      http.get(`${BASE}/clusters/:cluster/panels/:panel`, ({ params }) =>
        HttpResponse.json({
          ...chart(params.panel as RangePanelName, '6h'),
          data: /^(cpu|memory|disk)OverTime$/.test(String(params.panel))
            ? chart(params.panel as RangePanelName, '6h').data
            : [],
        }),
      ),
    );
    renderPage();
    expect(await screen.findByTestId('no-kubernetes')).toHaveTextContent(
      /without Kubernetes.*appear when Prometheus collects a Kubernetes cluster's metrics/,
    );
    for (const card of [
      'cluster-nodes',
      'control-plane-not-available',
      'longhorn-not-available',
      'cluster-pods',
      'cluster-vmis',
    ])
      expect(screen.queryByTestId(card)).not.toBeInTheDocument();
    // The portal's own desktops are counted whatever the cluster.
    expect(screen.getByTestId('cluster-desktops')).not.toHaveTextContent(
      'Not available',
    );
    const resources = screen.getByTestId('cluster-resources');
    expect(within(resources).getByTestId('total-cpu')).toHaveTextContent(
      'CPU: 31.4 %',
    );
    expect(
      within(resources).getByTestId('node-resources-laptop'),
    ).toHaveTextContent('25.0 %');
    expect(await screen.findByTestId('chart-cpuOverTime')).toBeInTheDocument();
    for (const panel of [
      'apiserverErrorsOverTime',
      'apiserverRequestsOverTime',
      'etcdDbSizeOverTime',
      'longhornUsageOverTime',
    ])
      expect(
        screen.queryByTestId(`chart-card-${panel}`),
      ).not.toBeInTheDocument();
    // Nothing desktops do happened in the range: no data, not unavailable.
    expect(
      await within(
        screen.getByTestId('chart-card-runningDesktopsOverTime'),
      ).findByText('No data in this range'),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('panel-error')).not.toBeInTheDocument();
    expect(screen.queryByTestId('load-error')).not.toBeInTheDocument();
  });

  it('warns that stale panels show the last good answer, with its time', async () => {
    const error = 'Prometheus did not answer within 5000 ms';
    server.use(
      overviewWith({
        nodesReady: answer('nodesReady', {
          stale: true,
          error,
          title: 'Node readiness',
        }),
        podsByPhase: {
          panel: 'podsByPhase',
          title: 'Pods by phase',
          stale: false,
          error,
        },
      }),
      http.get(`${BASE}/clusters/:cluster/alerts`, () =>
        HttpResponse.json(alerts({ stale: true, error })),
      ),
    );
    renderPage();
    const nodes = await screen.findByTestId('cluster-nodes');
    const warning = within(nodes).getByTestId('stale-warning');
    expect(warning).toHaveTextContent(
      `Showing data from ${new Date(
        '2026-11-24T07:00:00.000Z',
      ).toLocaleTimeString()}: ${error}`,
    );
    // The stale data is still shown.
    expect(within(nodes).getByText('Nodes (4/5 ready)')).toBeInTheDocument();
    // A panel with nothing to fall back on says so instead.
    const pods = screen.getByTestId('cluster-pods');
    expect(within(pods).getByTestId('panel-error')).toHaveTextContent(
      `Pods by phase: ${error}`,
    );
    expect(within(pods).getByText('None')).toBeInTheDocument();
    expect(
      await within(screen.getByTestId('cluster-alerts')).findByTestId(
        'stale-warning',
      ),
    ).toBeInTheDocument();
  });

  it('says when nothing is firing and when a chart has no data', async () => {
    server.use(
      http.get(`${BASE}/clusters/:cluster/alerts`, () =>
        HttpResponse.json(alerts({ data: [] })),
      ),
      emptyCharts(),
    );
    renderPage();
    expect(await screen.findByText('Nothing is firing')).toBeInTheDocument();
    expect((await screen.findAllByText('No data in this range')).length).toBe(
      RANGE_PANELS.length,
    );
  });

  it('says so when no cluster is configured', async () => {
    server.use(http.get(`${BASE}/clusters`, () => HttpResponse.json([])));
    renderPage();
    expect(
      await screen.findByText('No clusters are configured'),
    ).toBeInTheDocument();
  });

  it('opens the cluster named in the URL and switches with the picker', async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${BASE}/clusters/:cluster/overview`, ({ params }) => {
        asked.push(String(params.cluster));
        return HttpResponse.json({ ...overview(), cluster: params.cluster });
      }),
    );
    renderPage({ url: '/cluster-health?cluster=lab' });
    expect(await screen.findByText('Cluster lab')).toBeInTheDocument();
    await screen.findByTestId('cluster-nodes');
    fireEvent.mouseDown(
      within(screen.getByTestId('cluster-picker')).getByRole('button'),
    );
    fireEvent.click(await screen.findByRole('option', { name: 'Production' }));
    expect(await screen.findByText('Cluster rke2-prod')).toBeInTheDocument();
    await waitFor(() => expect(asked).toEqual(['lab', 'rke2-prod']));
  });

  it('asks the charts for the range picked', async () => {
    const ranges: string[] = [];
    server.use(
      http.get(
        `${BASE}/clusters/:cluster/panels/cpuOverTime`,
        ({ request }) => {
          ranges.push(new URL(request.url).searchParams.get('range')!);
          return HttpResponse.json({
            panel: 'cpuOverTime',
            title: 'CPU',
            range: '6h',
            step: 90,
            fetchedAt: FETCHED_AT,
            stale: false,
            data: [],
          });
        },
      ),
    );
    renderPage();
    await screen.findByTestId('cluster-nodes');
    await waitFor(() => expect(ranges).toEqual(['6h']));
    fireEvent.click(screen.getByTestId('range-7d'));
    await waitFor(() => expect(ranges).toEqual(['6h', '7d']));
    expect(screen.getByTestId('range-7d')).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('refreshes on its own until paused', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/clusters/:cluster/overview`, () => {
        calls++;
        return HttpResponse.json(overview());
      }),
      // Empty charts keep each refresh cheap enough for a short interval.
      emptyCharts(),
    );
    renderPage({ refreshIntervalMs: 400 });
    await screen.findByTestId('cluster-nodes');
    await waitFor(() => expect(calls).toBeGreaterThanOrEqual(3), {
      timeout: 8000,
    });
    fireEvent.click(screen.getByRole('checkbox'));
    expect(screen.getByTestId('refreshed-at')).toHaveTextContent('Paused');
    await new Promise(r => setTimeout(r, 300));
    const paused = calls;
    await new Promise(r => setTimeout(r, 1200));
    expect(calls).toBe(paused);
    fireEvent.click(screen.getByRole('button', { name: /refresh/i }));
    await waitFor(() => expect(calls).toBe(paused + 1));
  }, 20_000);

  it('keeps the cards when a refresh fails, and says so', async () => {
    let fail = false;
    server.use(
      http.get(`${BASE}/clusters/:cluster/overview`, () =>
        fail
          ? backendError(
              503,
              'ServiceUnavailableError',
              'Prometheus did not answer within 5000 ms',
            )
          : HttpResponse.json(overview()),
      ),
    );
    renderPage();
    await screen.findByTestId('cluster-nodes');
    fail = true;
    fireEvent.click(screen.getByRole('button', { name: /refresh/i }));
    expect(await screen.findByTestId('refresh-error')).toHaveTextContent(
      'Prometheus did not answer within 5000 ms',
    );
    expect(screen.getByText('Nodes (4/5 ready)')).toBeInTheDocument();
  });
});
