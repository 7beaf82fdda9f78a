import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import type {
  ConsoleOptions,
  ConsoleStream,
  ProviderWorkspace,
  WorkspaceCreateSpec,
  WorkspaceProvider,
  WorkspaceRef,
  WorkspaceSnapshots,
} from '@desktop-mania/plugin-workspaces-node';
import { rootDiskName } from './buildVirtualMachine';
import { claimWarmDesktop } from './claimWarmDesktop';
import type { KubeVirtCluster } from './clusters';
import { explainConsoleEnd } from './consoleEnd';
import { createWorkspace } from './createWorkspace';
import { diskReport, type DiskReport } from './dataVolumeStatus';
import { isNotFound } from './KubeApiError';
import { KubeVirtApi } from './KubeVirtApi';
import { KubeVirtVersion } from './kubevirtVersion';
import {
  ANNOTATION_OWNER,
  LABEL_WARM_POOL,
  LABEL_WORKSPACE,
  MANAGED_BY_SELECTOR,
} from './labels';
import type {
  VirtualMachineInstanceObject,
  VirtualMachineObject,
} from './objects';
import { openDisplay } from './openDisplay';
import { DISK_STATUSES } from './printableStatus';
import { statusOf } from './status';
import { KubeVirtSnapshots } from './snapshots';
import { toBackstageError } from './toBackstageError';
import { queryVmiUsage, type PrometheusTarget } from './vmiUsage';
import type { WarmPoolMetrics } from './warmPoolMetrics';

interface Target {
  cluster: KubeVirtCluster;
  api: KubeVirtApi;
  version: KubeVirtVersion;
}

// A VMI still Running when the console drops gets a second look this much later.
const CONSOLE_SETTLE_MS = 1500;

/**
 * Desktops as KubeVirt VirtualMachines on one or more clusters. Cluster
 * credentials never leave this class: callers get statuses and byte streams.
 * @public
 */
export class KubeVirtWorkspaceProvider implements WorkspaceProvider {
  readonly id = 'kubevirt';
  private readonly targets = new Map<string, Target>();
  /** VirtualMachineSnapshots and VirtualMachineRestores of desktops' VMs. */
  readonly snapshots: WorkspaceSnapshots = new KubeVirtSnapshots(
    name => this.target(name).cluster,
    async ref => (await this.resolve(this.target(ref.cluster), ref)).name,
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
    for (const cluster of clusters) {
      const api = new KubeVirtApi(cluster);
      this.targets.set(cluster.name, {
        cluster,
        api,
        version: new KubeVirtVersion(api, cluster.name, logger),
      });
    }
  }

  getClusters() {
    return [...this.targets.values()].map(({ cluster }) => ({
      name: cluster.name,
      os: cluster.os,
    }));
  }

  private target(name: string) {
    const target = this.targets.get(name);
    if (!target)
      throw new NotFoundError(
        `No KubeVirt cluster named '${name}' is configured`,
      );
    return target;
  }

  /**
   * Desktop names and VM names: a desktop ordered the usual way is a VM of
   * its own name, but one claimed from a warm pool keeps its member's name
   * (`warm-…`), since Kubernetes names are immutable, and carries the
   * desktop's name in its `desktopmania.io/workspace` label, as every
   * desktop's VM does. So on a cluster with a pool, a desktop is found by
   * that label; elsewhere by name, as before, at no extra call. The backend
   * and everything above the provider only ever see desktop names.
   */
  private async resolve(target: Target, ref: WorkspaceRef) {
    if (!target.cluster.warmPool?.length) return ref;
    try {
      const [vm] = await target.api.listVirtualMachines(
        `${LABEL_WORKSPACE}=${ref.name}`,
      );
      return vm ? { ...ref, name: vm.metadata.name } : ref;
    } catch (error) {
      throw toBackstageError(error, {
        cluster: target.cluster,
        verb: 'list',
        resource: 'virtualmachines',
        name: ref.name,
      });
    }
  }

  private toWorkspace(
    cluster: KubeVirtCluster,
    vm: VirtualMachineObject,
    vmi?: VirtualMachineInstanceObject,
    disk?: DiskReport,
    consolePreservesSession?: boolean,
  ): ProviderWorkspace {
    return {
      name: vm.metadata.labels?.[LABEL_WORKSPACE] ?? vm.metadata.name,
      cluster: cluster.name,
      namespace: cluster.namespace,
      owner: vm.metadata.annotations?.[ANNOTATION_OWNER],
      status: {
        ...statusOf(vm, vmi, disk),
        ...(consolePreservesSession === undefined
          ? {}
          : { consolePreservesSession }),
      },
    };
  }

  /**
   * While KubeVirt prepares the disk, CDI knows more than the VM says. A
   * DataVolume that cannot be read costs the desktop its detail, not the
   * whole answer.
   */
  private async disk(
    { cluster, api }: Target,
    vm: VirtualMachineObject,
  ): Promise<DiskReport | undefined> {
    if (!DISK_STATUSES.includes(vm.status?.printableStatus ?? '')) {
      return undefined;
    }
    const name = rootDiskName(vm.metadata.name);
    try {
      return diskReport(await api.getDataVolume(name));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      return {
        problem: toBackstageError(error, {
          cluster,
          verb: 'get',
          resource: 'datavolumes',
          name,
        }).message,
      };
    }
  }

  /** Secret, VM, then the Secret handed to the VM; see `createWorkspace`. */
  async create(spec: WorkspaceCreateSpec): Promise<ProviderWorkspace> {
    const target = this.target(spec.cluster);
    const claimed = await claimWarmDesktop(
      { ...target, logger: this.logger, metrics: this.warmPool.metrics },
      spec,
    );
    if (claimed) this.warmPool.onClaim?.(target.cluster.name);
    const created =
      claimed ??
      (await createWorkspace({ ...target, logger: this.logger }, spec));
    return this.toWorkspace(target.cluster, created);
  }

  async get(desktop: WorkspaceRef): Promise<ProviderWorkspace | undefined> {
    const target = this.target(desktop.cluster);
    const ref = await this.resolve(target, desktop);
    const { cluster, api, version } = target;
    const orUndefined = <T>(promise: Promise<T>, resource: string) =>
      promise.catch(error => {
        if (isNotFound(error)) return undefined;
        throw toBackstageError(error, {
          cluster,
          verb: 'get',
          resource,
          name: ref.name,
        });
      });
    const [vm, vmi, preserves] = await Promise.all([
      orUndefined(api.getVirtualMachine(ref.name), 'virtualmachines'),
      orUndefined(
        api.getVirtualMachineInstance(ref.name),
        'virtualmachineinstances',
      ),
      version.preservesConsoleSession(),
    ]);
    if (!vm) return undefined;
    const disk = await this.disk(target, vm);
    return this.toWorkspace(cluster, vm, vmi, disk, preserves);
  }

  async list(clusterName: string): Promise<ProviderWorkspace[]> {
    const target = this.target(clusterName);
    const { cluster, api, version } = target;
    try {
      const [all, vmis, preserves] = await Promise.all([
        api.listVirtualMachines(MANAGED_BY_SELECTOR),
        api.listVirtualMachineInstances(MANAGED_BY_SELECTOR),
        version.preservesConsoleSession(),
      ]);
      // Warm-pool members are nobody's desktops until claimed.
      const vms = all.filter(vm => !vm.metadata.labels?.[LABEL_WARM_POOL]);
      const byName = new Map(vmis.map(vmi => [vmi.metadata.name, vmi]));
      const disks = await Promise.all(vms.map(vm => this.disk(target, vm)));
      return vms.map((vm, i) =>
        this.toWorkspace(
          cluster,
          vm,
          byName.get(vm.metadata.name),
          disks[i],
          preserves,
        ),
      );
    } catch (error) {
      throw toBackstageError(error, {
        cluster,
        verb: 'list',
        resource: 'virtualmachines',
      });
    }
  }

  private async subresource(
    desktop: WorkspaceRef,
    action: 'start' | 'stop' | 'restart',
    body?: object,
  ) {
    const target = this.target(desktop.cluster);
    const { cluster, api } = target;
    const ref = await this.resolve(target, desktop);
    try {
      await api.putVirtualMachineSubresource(ref.name, action, body);
    } catch (error) {
      throw toBackstageError(error, {
        cluster,
        verb: 'update',
        resource: `virtualmachines/${action}`,
        name: ref.name,
      });
    }
  }

  /**
   * KubeVirt refuses a start while the VM has an instance that has not
   * ended: "VM is already running", also for a paused or unschedulable one,
   * and "RerunOnFailure does not support starting VM from failed state" for
   * a failed one (kubevirt/kubevirt pkg/virt-api/rest/lifecycle.go
   * `StartVMRequestHandler`). Starting a failed desktop means starting it
   * over, so that becomes a restart, which replaces the instance.
   */
  async start(ref: WorkspaceRef) {
    try {
      await this.subresource(ref, 'start');
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const current = await this.get(ref);
      if (current?.status.phase !== 'Failed') {
        throw new ConflictError(
          `The desktop '${ref.name}' cannot be started while it is ${
            current?.status.phase ?? 'missing'
          }: ${error.message}`,
        );
      }
      await this.subresource(ref, 'restart');
    }
  }

  /**
   * The guest gets `stopGracePeriod` to shut down (KubeVirt's
   * `StopOptions.gracePeriod`); the disk stays.
   */
  stop(ref: WorkspaceRef) {
    const seconds = this.target(ref.cluster).cluster.stopGracePeriodSeconds;
    return this.subresource(
      ref,
      'stop',
      seconds === undefined ? {} : { gracePeriod: seconds },
    );
  }

  restart(ref: WorkspaceRef) {
    return this.subresource(ref, 'restart');
  }

  /** Foreground: the VM goes only once its instance, disk and Secret have. */
  async delete(desktop: WorkspaceRef) {
    const target = this.target(desktop.cluster);
    const { cluster, api } = target;
    const ref = await this.resolve(target, desktop);
    try {
      await api.deleteVirtualMachine(ref.name, 'Foreground');
    } catch (error) {
      throw toBackstageError(error, {
        cluster,
        verb: 'delete',
        resource: 'virtualmachines',
        name: ref.name,
      });
    }
  }

  /**
   * From the cluster's Prometheus (the VMI's kubevirt_vmi_* series); undefined
   * when the desktop has no instance, i.e. it is stopped.
   */
  async usage(desktop: WorkspaceRef) {
    const target = this.target(desktop.cluster);
    const { cluster, api } = target;
    const ref = await this.resolve(target, desktop);
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
    const target = this.target(desktop.cluster);
    const { cluster, api } = target;
    const ref = await this.resolve(target, desktop);
    const openedAt = Date.now();
    const explainEnd = (transportError?: Error) =>
      explainConsoleEnd(
        { api, ref, openedAt, settleMs: CONSOLE_SETTLE_MS },
        transportError,
      );
    return openDisplay(cluster, ref, options, explainEnd, this.logger);
  }
}
