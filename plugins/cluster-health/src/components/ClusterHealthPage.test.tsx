import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ClusterHealthApi, clusterHealthApiRef } from '../api';
import { ClusterHealthPage } from './ClusterHealthPage';

jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  // jsdom has no layout; a fixed size lets the chart render its lines.
  return { ...actual, ResponsiveContainer: ({ children }: any) => <div style={{ width: 400, height: 200 }}>{children}</div> };
});

const at = '2026-11-24T07:00:00.000Z';
const instant = (panel: string, data: any[], extra: object = {}) => ({ panel, title: panel, data, fetchedAt: at, stale: false, ...extra });

function api(overrides: Partial<ClusterHealthApi> = {}): ClusterHealthApi {
  return {
    listClusters: async () => [{ name: 'rke2-prod', title: 'Production' }],
    getOverview: async () => ({
      cluster: 'rke2-prod',
      panels: {
        nodesReady: instant('nodesReady', [
          { labels: { node: 'server-1' }, value: 1 },
          { labels: { node: 'worker-2' }, value: 0 },
        ]),
        nodeRoles: instant('nodeRoles', [{ labels: { node: 'server-1', role: 'control-plane' }, value: 1 }]),
        apiserverUp: instant('apiserverUp', [{ labels: {}, value: 1 }]),
        apiserverErrorRate: instant('apiserverErrorRate', [{ labels: {}, value: 0.004 }]),
        etcdHasLeader: instant('etcdHasLeader', [{ labels: { instance: 'a' }, value: 1 }]),
        etcdDbSize: instant('etcdDbSize', [{ labels: { instance: 'a' }, value: 52428800 }]),
        desktopsByPhase: instant('desktopsByPhase', [{ labels: { phase: 'Running' }, value: 8 }]),
        longhornCapacity: instant('longhornCapacity', [{ labels: {}, value: 4e12 }], { stale: true, error: 'Prometheus did not answer within 5000 ms' }),
      } as any,
    }),
    getAlerts: async () => instant('alerts', [{ name: 'KubeNodeNotReady', severity: 'warning', state: 'firing', summary: 'Node worker-2 is not ready', labels: {} }]) as any,
    getChart: async (_c, panel) => instant(panel, [{ labels: {}, points: [[1, 0.2], [2, 0.3]] }], { unit: 'ratio' }) as any,
    ...overrides,
  };
}

describe('ClusterHealthPage', () => {
  it('shows nodes, control plane, desktops, alerts and stale data', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[clusterHealthApiRef, api()]]}>
        <ClusterHealthPage />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Nodes (1/2 ready)')).toBeInTheDocument();
    expect(screen.getByText('control-plane')).toBeInTheDocument();
    expect(screen.getByText('Not ready')).toBeInTheDocument();
    expect(screen.getByText('50.0 MiB', { exact: false })).toBeInTheDocument();
    expect(screen.getByText('Running: 8')).toBeInTheDocument();
    expect(await screen.findByText('KubeNodeNotReady')).toBeInTheDocument();
    expect(screen.getByText(/longhornCapacity: showing data from .* Prometheus did not answer within 5000 ms/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId(/^chart-/)).toHaveLength(5));
  });

  it('tells people without access that the page is for platform owners', async () => {
    const forbidden = Object.assign(new Error('Forbidden'), { statusCode: 403 });
    await renderInTestApp(
      <TestApiProvider apis={[[clusterHealthApiRef, api({ listClusters: async () => Promise.reject(forbidden) })]]}>
        <ClusterHealthPage />
      </TestApiProvider>,
    );
    expect(await screen.findByText("You don't have access to cluster health")).toBeInTheDocument();
  });

  it('says so when no cluster is configured', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[clusterHealthApiRef, api({ listClusters: async () => [] })]]}>
        <ClusterHealthPage />
      </TestApiProvider>,
    );
    expect(await screen.findByText('No clusters are configured')).toBeInTheDocument();
  });

  it('shows an error panel when the overview fails', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[clusterHealthApiRef, api({ getOverview: async () => Promise.reject(new Error('Prometheus could not be reached')) })]]}>
        <ClusterHealthPage />
      </TestApiProvider>,
    );
    expect((await screen.findAllByText(/Prometheus could not be reached/)).length).toBeGreaterThan(0);
    expect(screen.queryByText(/^Nodes \(/)).not.toBeInTheDocument();
  });
});
