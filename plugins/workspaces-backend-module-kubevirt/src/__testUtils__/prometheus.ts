import { http, HttpResponse } from 'msw';

/** The Prometheus msw answers as. */
export const PROMETHEUS = 'http://prometheus.test:9090';

/**
 * Series virt-handler exports for one running VMI, by metric, with the
 * `namespace` and `name` labels it puts on every VMI metric. Names as in
 * kubevirt/kubevirt d923fdb8 docs/observability/metrics.md and
 * pkg/monitoring/metrics/virt-handler/domainstats/{cpu,memory,filesystem}_metrics.go;
 * the filesystem gauges are per guest filesystem (labels disk_name,
 * mount_point, file_system_type), from the guest agent.
 */
export const VMI_SERIES: Record<
  string,
  Array<{ labels: Record<string, string>; value: number }>
> = {
  // A counter; the rate below is what rate() over it gives.
  kubevirt_vmi_cpu_usage_seconds_total: [
    { labels: { namespace: 'workspaces', name: 'linux-desk' }, value: 0.75 },
  ],
  kubevirt_vmi_memory_available_bytes: [
    {
      labels: { namespace: 'workspaces', name: 'linux-desk' },
      value: 4 * 2 ** 30,
    },
  ],
  kubevirt_vmi_memory_usable_bytes: [
    {
      labels: { namespace: 'workspaces', name: 'linux-desk' },
      value: 2.5 * 2 ** 30,
    },
  ],
  kubevirt_vmi_filesystem_used_bytes: [
    {
      labels: { namespace: 'workspaces', name: 'linux-desk', mount_point: '/' },
      value: 9 * 2 ** 30,
    },
    {
      labels: {
        namespace: 'workspaces',
        name: 'linux-desk',
        mount_point: '/boot/efi',
      },
      value: 6 * 2 ** 20,
    },
  ],
  kubevirt_vmi_filesystem_capacity_bytes: [
    {
      labels: { namespace: 'workspaces', name: 'linux-desk', mount_point: '/' },
      value: 39 * 2 ** 30,
    },
    {
      labels: {
        namespace: 'workspaces',
        name: 'linux-desk',
        mount_point: '/boot/efi',
      },
      value: 512 * 2 ** 20,
    },
  ],
};

/**
 * `GET /api/v1/query` for the `sum(metric{namespace="…",name="…"})` and
 * `sum(rate(…[window]))` queries the provider asks, answered in the shape of
 * the Prometheus HTTP API: an instant vector, one sample of [time, "value"]
 * per series, none when no series matches. `queries` records what was asked.
 */
export function prometheusHandler(series = VMI_SERIES, queries: string[] = []) {
  return http.get(`${PROMETHEUS}/api/v1/query`, ({ request }) => {
    const promql = new URL(request.url).searchParams.get('query') ?? '';
    queries.push(promql);
    const parsed = /(kubevirt_\w+)\{([^}]*)\}/.exec(promql);
    if (!parsed) {
      return HttpResponse.json(
        { status: 'error', errorType: 'bad_data', error: 'parse error' },
        { status: 400 },
      );
    }
    const matchers = Object.fromEntries(
      [...parsed[2].matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
    );
    const matching = (series[parsed[1]] ?? []).filter(s =>
      Object.entries(matchers).every(([k, v]) => s.labels[k] === v),
    );
    const time = Date.now() / 1000;
    const result = matching.length
      ? [
          {
            metric: {},
            value: [
              time,
              String(matching.reduce((sum, s) => sum + s.value, 0)),
            ],
          },
        ]
      : [];
    return HttpResponse.json({
      status: 'success',
      data: { resultType: 'vector', result },
    });
  });
}
