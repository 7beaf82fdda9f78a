import { LoggerService } from '@backstage/backend-plugin-api';
import { NotImplementedError } from '@backstage/errors';
import type {
  ConsoleOptions,
  ConsoleStream,
  ProviderWorkspace,
  WorkspaceCreateSpec,
  WorkspaceProvider,
  WorkspaceRef,
  WorkspaceSnapshots,
} from '@desktop-mania/plugin-workspaces-node';
import { claimWarmDesktop } from './claimWarmDesktop';
import type { KubeVirtCluster } from './clusters';
import { ClusterTargets } from './clusterTargets';
import { explainConsoleEnd } from './consoleEnd';
import { createWorkspace } from './createWorkspace';
import { isNotFound } from './KubeApiError';
import { openDisplay } from './openDisplay';
import { KubeVirtSnapshots } from './snapshots';
import { toBackstageError } from './toBackstageError';
import { VmLifecycle } from './vmLifecycle';
import { queryVmiUsage, type PrometheusTarget } from './vmiUsage';
import type { WarmPoolMetrics } from './warmPoolMetrics';
import {
  listWorkspaces,
  readWorkspace,
  toProviderWorkspace,
} from './workspaceReads';

// A VMI still Running when the console drops gets a second look this much later.
const CONSOLE_SETTLE_MS = 1500;

/**
 * Desktops as KubeVirt VirtualMachines on one or more clusters. Cluster
 * credentials never leave this class: callers get statuses and byte streams.
 * @public
 */
export class KubeVirtWorkspaceProvider implements WorkspaceProvider {
  readonly id = 'kubevirt';
  private readonly targets: ClusterTargets;
  private readonly lifecycle: VmLifecycle;
  /** VirtualMachineSnapshots and VirtualMachineRestores of desktops' VMs. */
  readonly snapshots: WorkspaceSnapshots = new KubeVirtSnapshots(
    name => this.targets.get(name).cluster,
    async ref =>
      (await this.targets.resolve(this.targets.get(ref.cluster), ref)).name,
  );

  constructor(
    clusters: KubeVirtCluster[],
    private readonly logger: LoggerService,
    private readonly prometheusOf: (
      cluster: string,
    ) => PrometheusTarget | undefined = () => undefined,
    private readonly warmPool: {
      metrics?: WarmPoolMetrics;
      /** Called after a claim, e.g. to refill the pool now. */
      onClaim?: (cluster: string) => void;
    } = {},
  ) {
    this.targets = new ClusterTargets(clusters, logger);
    this.lifecycle = new VmLifecycle(this.targets, ref => this.get(ref));
  }

  getClusters() {
    return this.targets.all().map(({ cluster }) => ({
      name: cluster.name,
      os: cluster.os,
    }));
  }

  /** Secret, VM, then the Secret handed to the VM; see `createWorkspace`. */
  async create(spec: WorkspaceCreateSpec): Promise<ProviderWorkspace> {
    const target = this.targets.get(spec.cluster);
    const claimed = await claimWarmDesktop(
      { ...target, logger: this.logger, metrics: this.warmPool.metrics },
      spec,
    );
    if (claimed) this.warmPool.onClaim?.(target.cluster.name);
    const created =
      claimed ??
      (await createWorkspace({ ...target, logger: this.logger }, spec));
    return toProviderWorkspace(target.cluster, created);
  }

  async get(desktop: WorkspaceRef): Promise<ProviderWorkspace | undefined> {
    const target = this.targets.get(desktop.cluster);
    return readWorkspace(target, await this.targets.resolve(target, desktop));
  }

  async list(clusterName: string): Promise<ProviderWorkspace[]> {
    return listWorkspaces(this.targets.get(clusterName));
  }

  /** Starts the VM; a failed desktop is started over, with a restart. */
  start(ref: WorkspaceRef): Promise<void> {
    return this.lifecycle.start(ref);
  }

  /**
   * The guest gets `stopGracePeriod` to shut down (KubeVirt's
   * `StopOptions.gracePeriod`); the disk stays.
   */
  stop(ref: WorkspaceRef): Promise<void> {
    return this.lifecycle.stop(ref);
  }

  restart(ref: WorkspaceRef): Promise<void> {
    return this.lifecycle.restart(ref);
  }

  /** Foreground: the VM goes only once its instance, disk and Secret have. */
  delete(desktop: WorkspaceRef): Promise<void> {
    return this.lifecycle.delete(desktop);
  }

  /** The VM's `desktopmania.io/expires-at` annotation, moved by a merge patch. */
  setExpiry(desktop: WorkspaceRef, expiresAt: string): Promise<void> {
    return this.lifecycle.setExpiry(desktop, expiresAt);
  }

  /**
   * From the cluster's Prometheus (the VMI's kubevirt_vmi_* series); undefined
   * when the desktop has no instance, i.e. it is stopped.
   */
  async usage(desktop: WorkspaceRef) {
    const target = this.targets.get(desktop.cluster);
    const { cluster, api } = target;
    const ref = await this.targets.resolve(target, desktop);
    const prometheus = this.prometheusOf(cluster.name);
    if (!prometheus) {
      throw new NotImplementedError(
        `No Prometheus is configured for cluster '${cluster.name}' (workspaces.kubevirt.prometheus.url)`,
      );
    }
    const usage = await queryVmiUsage(prometheus, cluster.namespace, ref.name);
    if (usage) return usage;
    // No series: a stopped desktop, or one started since the last scrape.
    const vmi = await api.getVirtualMachineInstance(ref.name).catch(error => {
      if (isNotFound(error)) return undefined;
      throw toBackstageError(error, {
        cluster,
        verb: 'get',
        resource: 'virtualmachineinstances',
        name: ref.name,
      });
    });
    return vmi ? { at: new Date().toISOString() } : undefined;
  }

  /**
   * The desktop's own display through portforward, or the VM console (asked
   * for, or when the desktop's own does not answer). The stream ends with a
   * `ConflictError` when the desktop stopped or failed, a
   * `ConsoleInUseError` when another viewer took the console's seat, a
   * `ConsoleMigratingError` when it moved to another node, and a
   * `ServiceUnavailableError` when the connection itself broke.
   */
  async openConsole(
    desktop: WorkspaceRef,
    options: ConsoleOptions = {},
  ): Promise<ConsoleStream> {
    const target = this.targets.get(desktop.cluster);
    const { cluster, api } = target;
    const ref = await this.targets.resolve(target, desktop);
    const openedAt = Date.now();
    const explainEnd = (transportError?: Error) =>
      explainConsoleEnd(
        { api, ref, openedAt, settleMs: CONSOLE_SETTLE_MS },
        transportError,
      );
    return openDisplay(cluster, ref, options, explainEnd, this.logger);
  }
}
