import {
  AlertsAnswer,
  ClusterOverview,
  INSTANT_PANELS,
  InstantPanelAnswer,
  InstantPanelName,
  InstantSample,
  PanelFailure,
  RangePanelAnswer,
  RangePanelName,
} from '@desktop-mania/plugin-cluster-health-common';
import {
  registerMswTestHooks,
  renderInTestApp,
  type TestAppOptions,
} from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { clusterHealthApiRef, ClusterHealthClient } from '../api';

export const BASE = 'http://backstage.test/api/cluster-health';
export const FETCHED_AT = '2026-11-24T07:00:00.000Z';

/** The cluster-health client the app would build, against the mocked backend. */
export const client = new ClusterHealthClient({
  discoveryApi: { getBaseUrl: async () => BASE },
  fetchApi: { fetch: (input, init) => fetch(input, init) },
});

const sample = (
  labels: Record<string, string>,
  value: number,
): InstantSample => ({ labels, value });
const nodes = [
  'rke2-server-1',
  'rke2-server-2',
  'rke2-server-3',
  'rke2-worker-1',
  'rke2-worker-2',
];

/** What a three-server, two-worker cluster answers, one worker not ready. */
const DATA: Record<InstantPanelName, InstantSample[]> = {
  nodesReady: nodes.map(node =>
    sample({ node }, node === 'rke2-worker-2' ? 0 : 1),
  ),
  nodeRoles: nodes
    .slice(0, 3)
    .flatMap(node =>
      ['control-plane', 'etcd', 'master'].map(role =>
        sample({ node, role }, 1),
      ),
    ),
  nodeInfo: nodes.map((node, i) =>
    sample(
      {
        node,
        kubelet_version: 'v1.31.4+rke2r1',
        internal_ip: `10.0.0.${11 + i}`,
        os_image: 'SLES',
      },
      1,
    ),
  ),
  apiserverUp: [1, 2, 3].map(i => sample({ instance: `10.0.0.1${i}:6443` }, 1)),
  apiserverErrorRate: [sample({}, 0.0071)],
  apiserverRequestsByCode: [
    sample({ code: '200' }, 51),
    sample({ code: '500' }, 0.3),
  ],
  etcdHasLeader: [1, 2, 3].map(i =>
    sample({ instance: `10.0.0.1${i}:2381` }, 1),
  ),
  etcdDbSize: [sample({ instance: '10.0.0.11:2381' }, 52_428_800)],
  etcdLeaderChanges: [sample({}, 1.01)],
  nodeCpu: nodes.map((nodename, i) =>
    sample({ nodename, instance: `10.0.0.${11 + i}:9100` }, 0.2 + i / 10),
  ),
  nodeMemory: nodes.map((nodename, i) =>
    sample({ nodename, instance: `10.0.0.${11 + i}:9100` }, 0.5),
  ),
  nodeDisk: nodes.map((nodename, i) =>
    sample({ nodename, instance: `10.0.0.${11 + i}:9100` }, 0.9),
  ),
  clusterCpu: [sample({}, 0.314)],
  clusterMemory: [sample({}, 0.5)],
  clusterDisk: [sample({}, 0.4)],
  podsByPhase: [
    sample({ phase: 'Running' }, 17),
    sample({ phase: 'Pending' }, 1),
    sample({ phase: 'Failed' }, 1),
    sample({ phase: 'Unknown' }, 0),
  ],
  vmisByPhase: [
    sample({ phase: 'running' }, 8),
    sample({ phase: 'scheduling' }, 1),
  ],
  desktopsByPhase: [
    sample({ phase: 'Running' }, 8),
    sample({ phase: 'Stopped' }, 4),
    sample({ phase: 'Failed' }, 1),
  ],
  consoleSessions: [sample({}, 5)],
  longhornVolumeRobustness: [
    sample({ state: '1' }, 10),
    sample({ state: '2' }, 1),
    sample({ state: '3' }, 1),
  ],
  longhornVolumeState: [sample({ state: '2' }, 9), sample({ state: '3' }, 3)],
  longhornUnhealthyVolumes: [
    sample(
      { volume: 'pvc-3', pvc: 'desk-3-rootdisk', pvc_namespace: 'workspaces' },
      2,
    ),
    sample(
      { volume: 'pvc-7', pvc: 'desk-7-rootdisk', pvc_namespace: 'workspaces' },
      3,
    ),
  ],
  longhornVolumeCapacity: [sample({}, 12 * 60 * 2 ** 30)],
  longhornVolumeActualSize: [sample({}, 3.5 * 60 * 2 ** 30)],
  longhornNodeCapacity: [
    sample({ node: 'rke2-worker-1' }, 2e12),
    sample({ node: 'rke2-worker-2' }, 2e12),
  ],
  longhornNodeUsage: [
    sample({ node: 'rke2-worker-1' }, 0.75e12),
    sample({ node: 'rke2-worker-2' }, 0.85e12),
  ],
};

export function answer(
  panel: InstantPanelName,
  extra: Partial<InstantPanelAnswer> = {},
): InstantPanelAnswer {
  return {
    panel,
    title: panel,
    unit: 'count',
    data: DATA[panel],
    fetchedAt: FETCHED_AT,
    stale: false,
    ...extra,
  };
}

export function overview(
  overrides: Partial<
    Record<InstantPanelName, InstantPanelAnswer | PanelFailure>
  > = {},
): ClusterOverview {
  const panels = Object.fromEntries(
    INSTANT_PANELS.map(name => [name, answer(name)]),
  ) as ClusterOverview['panels'];
  return { cluster: 'rke2-prod', panels: { ...panels, ...overrides } };
}

export function alerts(extra: Partial<AlertsAnswer> = {}): AlertsAnswer {
  return {
    panel: 'alerts',
    title: 'Firing alerts',
    fetchedAt: FETCHED_AT,
    stale: false,
    data: [
      {
        name: 'LonghornVolumeFaulted',
        severity: 'critical',
        summary: 'Longhorn volume pvc-7 is faulted',
        labels: {},
      },
      {
        name: 'KubeNodeNotReady',
        severity: 'warning',
        summary: 'Node rke2-worker-2 is not ready',
        labels: {},
        activeAt: FETCHED_AT,
      },
    ],
    ...extra,
  };
}

export function chart(panel: RangePanelName, range: string): RangePanelAnswer {
  const t0 = Date.parse(FETCHED_AT) / 1000 - 3600;
  return {
    panel,
    title: `Chart ${panel}`,
    unit: 'ratio',
    range: range as RangePanelAnswer['range'],
    step: 15,
    fetchedAt: FETCHED_AT,
    stale: false,
    data: ['rke2-worker-1', 'rke2-worker-2'].map(nodename => ({
      labels: { nodename, instance: `${nodename}:9100` },
      points: [0, 1, 2, 3].map(
        i => [t0 + i * 900, 0.2 + i / 10] as [number, number],
      ),
    })),
  };
}

/** The backend's error body, as @backstage/errors serializes it. */
export function backendError(status: number, name: string, message: string) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'GET', url: '/' },
      response: { statusCode: status },
    },
    { status },
  );
}

/** The 403 the backend answers someone without cluster-health.read. */
export function notAllowed() {
  return backendError(
    403,
    'NotAllowedError',
    'Cluster health is for platform owners',
  );
}

/** A handler that answers every cluster's overview with these panels replaced. */
export function overviewWith(overrides: Parameters<typeof overview>[0]) {
  return http.get(`${BASE}/clusters/:cluster/overview`, () =>
    HttpResponse.json(overview(overrides)),
  );
}

/** A handler that answers every cluster's overview with this backend error. */
export function overviewFails(status: number, name: string, message: string) {
  return http.get(`${BASE}/clusters/:cluster/overview`, () =>
    backendError(status, name, message),
  );
}

/** Handlers for a healthy backend with two clusters. */
export function handlers() {
  return [
    http.get(`${BASE}/clusters`, () =>
      HttpResponse.json([
        {
          name: 'rke2-prod',
          title: 'Production',
          entityRef: 'resource:default/rke2-prod',
        },
        { name: 'lab', title: 'Lab' },
      ]),
    ),
    http.get(`${BASE}/clusters/:cluster/overview`, ({ params }) =>
      HttpResponse.json({ ...overview(), cluster: params.cluster }),
    ),
    http.get(`${BASE}/clusters/:cluster/alerts`, () =>
      HttpResponse.json(alerts()),
    ),
    // No warm pool reports: the section says so (cards/WarmPoolCard.tsx).
    http.get(`${BASE}/clusters/:cluster/warm-pool`, () =>
      HttpResponse.json({ pools: [], fetchedAt: FETCHED_AT, stale: false }),
    ),
    http.get(`${BASE}/clusters/:cluster/panels/:panel`, ({ params, request }) =>
      HttpResponse.json(
        chart(
          params.panel as RangePanelName,
          new URL(request.url).searchParams.get('range') ?? '',
        ),
      ),
    ),
  ];
}

/**
 * The mocked backend for the calling test file: healthy at the start of each
 * test, so a test only adds the answers it is about.
 */
export function clusterHealthServer() {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() => server.use(...handlers()));
  return server;
}

/** Renders in a test app whose cluster-health API talks to the mocked backend. */
export function renderWithClient(
  element: JSX.Element,
  options: Omit<TestAppOptions, 'apis'> = {},
) {
  return renderInTestApp(element, {
    apis: [[clusterHealthApiRef, client]],
    ...options,
  });
}
