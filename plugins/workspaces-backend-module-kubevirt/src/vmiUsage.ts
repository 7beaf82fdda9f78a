import type { Config } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import type { WorkspaceResourceUsage } from '@desktop-mania/plugin-workspaces-node';

/**
 * A Prometheus that scrapes a cluster's virt-handlers.
 * @public
 */
export interface PrometheusTarget {
  url: string;
  token?: string;
  timeoutMs: number;
}

const TIMEOUT_MS = 5000;
// Two scrapes at the usual 30 s interval at least, so rate() has two points.
const RATE_WINDOW = '2m';

function readTarget(config: Config | undefined): PrometheusTarget | undefined {
  const url = config?.getOptionalString('url');
  if (!url) return undefined;
  return {
    url: url.replace(/\/+$/, ''),
    token: config?.getOptionalString('token'),
    timeoutMs: TIMEOUT_MS,
  };
}

/**
 * Each cluster's Prometheus: its own `prometheus` in
 * `workspaces.kubevirt.clusters`, else `workspaces.kubevirt.prometheus`.
 */
export function readPrometheusTargets(
  config: Config,
): (cluster: string) => PrometheusTarget | undefined {
  const kubevirt = config.getOptionalConfig('workspaces.kubevirt');
  const fallback = readTarget(kubevirt?.getOptionalConfig('prometheus'));
  const own = new Map<string, PrometheusTarget>();
  for (const c of kubevirt?.getOptionalConfigArray('clusters') ?? []) {
    const target = readTarget(c.getOptionalConfig('prometheus'));
    if (target) own.set(c.getString('name'), target);
  }
  return cluster => own.get(cluster) ?? fallback;
}

/** PromQL label matchers for one VMI; names are DNS labels, escaped all the same. */
function selector(namespace: string, name: string) {
  const quote = (v: string) => JSON.stringify(v);
  return `{namespace=${quote(namespace)},name=${quote(name)}}`;
}

/** One instant query's value, or undefined when it has no series. */
async function query(
  target: PrometheusTarget,
  promql: string,
): Promise<number | undefined> {
  const url = `${target.url}/api/v1/query?query=${encodeURIComponent(promql)}`;
  let body: any;
  try {
    const res = await fetch(url, {
      headers: target.token ? { Authorization: `Bearer ${target.token}` } : {},
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    body = await res.json().catch(() => undefined);
    if (!res.ok || body?.status !== 'success') {
      throw new Error(body?.error ?? `HTTP ${res.status}`);
    }
  } catch (error) {
    throw new ServiceUnavailableError(
      `Prometheus at ${target.url} did not answer: ${(error as Error).message}`,
    );
  }
  const [sample] = body.data?.result ?? [];
  const value = Number(sample?.value?.[1]);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * What a VMI uses, from the metrics virt-handler exports for it (kubevirt/
 * kubevirt docs/observability/metrics.md, pkg/monitoring/metrics/virt-handler/
 * domainstats). Memory used is available minus usable, as KubeVirt's own
 * recording rule vmi:kubevirt_vmi_memory_used_bytes:sum has it; that rule,
 * and the deprecated kubevirt_vmi_memory_used_bytes, exist only where the
 * operator's PrometheusRule is installed, so the raw gauges are asked.
 * kubevirt_vmi_storage_* count I/O, not space: the disk figures are the
 * guest agent's filesystems, absent without the agent. Undefined when
 * Prometheus has no series at all for the VMI.
 */
export async function queryVmiUsage(
  target: PrometheusTarget,
  namespace: string,
  name: string,
): Promise<WorkspaceResourceUsage | undefined> {
  const vmi = selector(namespace, name);
  const [cpu, available, usable, fsUsed, fsCapacity] = await Promise.all([
    query(
      target,
      `sum(rate(kubevirt_vmi_cpu_usage_seconds_total${vmi}[${RATE_WINDOW}]))`,
    ),
    query(target, `sum(kubevirt_vmi_memory_available_bytes${vmi})`),
    query(target, `sum(kubevirt_vmi_memory_usable_bytes${vmi})`),
    query(target, `sum(kubevirt_vmi_filesystem_used_bytes${vmi})`),
    query(target, `sum(kubevirt_vmi_filesystem_capacity_bytes${vmi})`),
  ]);
  const usage: WorkspaceResourceUsage = {
    cpuCores: cpu,
    memoryBytes:
      available !== undefined && usable !== undefined
        ? Math.max(0, available - usable)
        : undefined,
    memoryLimitBytes: available,
    diskBytes: fsUsed,
    diskLimitBytes: fsCapacity,
    at: new Date().toISOString(),
  };
  const figures = [cpu, available, usable, fsUsed, fsCapacity];
  return figures.some(f => f !== undefined) ? usage : undefined;
}
