import { randomBytes } from 'crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import type {
  ConsoleOptions,
  ProviderWorkspace,
  WorkspaceCreateSpec,
} from '@desktop-mania/plugin-workspaces-node';
import type { WorkspacePhase } from '@desktop-mania/plugin-workspaces-common';
import { buildVirtualMachine } from '../buildVirtualMachine';
import type { KubeVirtCluster } from '../clusters';
import { KubeVirtWorkspaceProvider } from '../KubeVirtWorkspaceProvider';
import { KUBEVIRT_PROVIDER_RBAC_RULES } from '../rbac';
import {
  AdminCluster,
  rawRequest,
  RUN_LABEL,
  type ImageSource,
} from './adminCluster';
import { Budget, waitFor } from './budget';
import { Recorder } from './record';
import { ByteReader } from './rfb';
import { GI, type ConformanceSettings } from './settings';

export const CLUSTER = 'conformance';
/** The portal's stand-in: a ServiceAccount with the provider's Role and nothing else. */
export const PORTAL_ACCOUNT = 'desktop-portal';
const IMAGE = 'tiny-image';
const MINUTE = 60_000;

/** Warnings and errors of the provider, which explain a failed step; the rest is noise here. */
function consoleLogger(): LoggerService {
  const logger: LoggerService = {
    error: (message, meta) =>
      console.error(`[provider] ${message}`, meta ?? ''),
    warn: (message, meta) => console.warn(`[provider] ${message}`, meta ?? ''),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/**
 * One conformance run: a namespace of its own, the provider driven as the
 * portal's service account, and everything made for the run removed again,
 * even when setup fails halfway.
 */
export class ConformanceRun {
  readonly budget: Budget;
  readonly namespace = `dm-conformance-${randomBytes(3).toString('hex')}`;
  readonly recorder: Recorder;
  admin!: AdminCluster;
  /** The portal service account's credentials. */
  portal!: KubeConfig;
  cluster!: KubeVirtCluster;
  provider!: KubeVirtWorkspaceProvider;
  source!: ImageSource;
  instancetype!: string;
  /** A preference that needs one vCPU more than `instancetype` gives. */
  demandingPreference!: string;
  kubevirtVersion?: string;
  private readonly undo: Array<{ what: string; run: () => Promise<unknown> }> =
    [];
  private cleanupBudget?: Budget;

  constructor(readonly settings: ConformanceSettings) {
    this.budget = new Budget(settings.timeoutMs);
    this.recorder = new Recorder(settings.recordDir);
  }

  async setUp() {
    const { settings, namespace } = this;
    this.admin = AdminCluster.load(settings);
    const { kubernetes, cdi } = await this.admin.versions().catch(error => {
      if ((error as Error).name !== 'FetchError') throw error;
      throw new Error(
        `Cannot reach the API server ${this.admin.server} that ${
          settings.kubeconfigFrom
        } names: ${(error as Error).message}`,
      );
    });
    Object.assign(this.recorder.origin, { kubernetes, cdi });

    await this.admin.createNamespace(namespace);
    this.undo.push({
      what: `namespace ${namespace}`,
      run: () =>
        this.admin.deleteNamespace(
          namespace,
          this.cleanupBudget!.upTo(4 * MINUTE),
        ),
    });

    const storageClassName =
      settings.storageClass ?? (await this.admin.defaultStorageClass());
    if (!storageClassName) {
      throw new Error(
        'The cluster has no default StorageClass; set CONFORMANCE_STORAGE_CLASS',
      );
    }

    // TokenRequest refuses less than ten minutes; the token must outlive the run.
    const lifetimeSeconds = Math.max(
      600,
      Math.ceil(settings.timeoutMs / 1000) + 600,
    );
    const token = await this.admin.serviceAccountWith(
      namespace,
      PORTAL_ACCOUNT,
      KUBEVIRT_PROVIDER_RBAC_RULES,
      lifetimeSeconds,
    );
    this.portal = this.admin.kubeConfigWithToken(PORTAL_ACCOUNT, token);

    const from = settings.dataSource ?? { namespace, name: IMAGE };
    const stopCloning = await this.admin.allowCloning(
      from.namespace,
      namespace,
      from.namespace === namespace ? 'image-cloner' : `${namespace}-cloner`,
    );
    if (from.namespace !== namespace) {
      this.undo.push({
        what: `Role and RoleBinding ${namespace}-cloner in ${from.namespace}`,
        run: stopCloning,
      });
    } else {
      await this.admin.importImage(
        namespace,
        IMAGE,
        settings.imageUrl,
        settings.imageSize,
        storageClassName,
      );
      await this.admin.waitForImport(
        namespace,
        IMAGE,
        this.budget.remainingMs(),
      );
    }
    this.source = await this.admin.readySource(
      from.namespace,
      from.name,
      this.budget.upTo(5 * MINUTE),
    );

    this.instancetype = settings.instancetype ?? `${namespace}-tiny`;
    if (!settings.instancetype) {
      this.undo.push({
        what: `VirtualMachineClusterInstancetype ${this.instancetype}`,
        run: await this.admin.createClusterObject(
          'virtualmachineclusterinstancetypes',
          'VirtualMachineClusterInstancetype',
          this.instancetype,
          namespace,
          { cpu: { guest: 1 }, memory: { guest: '256Mi' } },
        ),
      });
    }
    const cpus = await this.admin.instancetypeGuestCpus(this.instancetype);
    this.demandingPreference = `${namespace}-needs-${cpus + 1}-vcpus`;
    this.undo.push({
      what: `VirtualMachineClusterPreference ${this.demandingPreference}`,
      run: await this.admin.createClusterObject(
        'virtualmachineclusterpreferences',
        'VirtualMachineClusterPreference',
        this.demandingPreference,
        namespace,
        { requirements: { cpu: { guest: cpus + 1 } } },
      ),
    });

    this.cluster = {
      name: CLUSTER,
      url: this.admin.server,
      namespace,
      storageClassName,
      os: ['linux'],
      timeoutMs: 30_000,
      // Sent as StopOptions.gracePeriod, so a guest that ignores ACPI stops in bounded time.
      stopGracePeriodSeconds: 30,
      kubeConfig: this.portal,
    };
    this.provider = new KubeVirtWorkspaceProvider(
      [this.cluster],
      consoleLogger(),
    );

    const version = await rawRequest(
      this.portal,
      'GET',
      '/apis/subresources.kubevirt.io/v1/version',
    );
    this.kubevirtVersion = (
      version.body as { gitVersion?: string }
    )?.gitVersion;
    this.recorder.origin.kubevirt = this.kubevirtVersion;
    await this.recorder.write(
      'version',
      "KubeVirt's version, read by the portal's service account",
      { answer: version },
    );

    console.info(
      [
        `Cluster conformance in namespace ${namespace} on ${this.admin.server}`,
        `Kubernetes ${kubernetes ?? '?'}, KubeVirt ${
          this.kubevirtVersion ?? '?'
        }, CDI ${cdi ?? '?'}`,
        `source DataSource ${this.source.namespace}/${this.source.name} (${(
          this.source.requestBytes / GI
        ).toFixed(1)} GiB), instancetype ${
          this.instancetype
        }, StorageClass ${storageClassName}`,
        `budget ${Math.round(
          this.budget.remainingMs() / 1000,
        )} s left after setup`,
      ].join('\n'),
    );
  }

  /**
   * Removes what the run made, newest first, the namespace last. Throws
   * naming what could not be removed, so a run never leaves silent debris.
   */
  async tearDown(timeoutMs: number) {
    if (this.settings.keep) {
      console.info(
        `CONFORMANCE_KEEP is set: left namespace ${this.namespace} and the objects labelled ${RUN_LABEL}=${this.namespace}. Remove them with\n` +
          `  kubectl delete namespace ${this.namespace}\n` +
          `  kubectl delete virtualmachineclusterinstancetypes,virtualmachineclusterpreferences -l ${RUN_LABEL}=${this.namespace}\n` +
          `  kubectl delete roles,rolebindings -A -l ${RUN_LABEL}=${this.namespace}`,
      );
      return;
    }
    this.cleanupBudget = new Budget(timeoutMs);
    const failed: string[] = [];
    for (const step of [...this.undo].reverse()) {
      try {
        await step.run();
      } catch (error) {
        failed.push(`${step.what}: ${(error as Error).message}`);
      }
    }
    if (failed.length > 0) {
      throw new Error(
        `Could not remove everything the conformance run made; remove by hand (all labelled ${RUN_LABEL}=${
          this.namespace
        }):\n${failed.join('\n')}`,
      );
    }
  }

  /** The disk a desktop needs to hold its source: whole GiB, at least what the source has. */
  get fittingDiskGi() {
    return Math.ceil(
      Math.max(this.source.requestBytes, this.source.capacityBytes) / GI,
    );
  }

  /** An order as the workspaces backend would hand it to the provider. */
  spec(
    name: string,
    overrides: {
      diskGi?: number;
      dataSource?: { name: string; namespace: string };
      preference?: string;
    } = {},
  ): WorkspaceCreateSpec {
    return {
      name,
      cluster: CLUSTER,
      image: {
        name: 'conformance-image',
        title: 'Conformance image',
        os: 'linux',
        dataSource: overrides.dataSource ?? {
          name: this.source.name,
          namespace: this.source.namespace,
        },
        ...(overrides.preference ? { preference: overrides.preference } : {}),
      },
      size: {
        name: 'conformance-size',
        title: 'Conformance size',
        instancetype: this.instancetype,
      },
      diskGi: overrides.diskGi ?? this.fittingDiskGi,
      owner: 'user:default/conformance',
      createdBy: 'user:default/conformance',
      username: 'conformance',
    };
  }

  ref(name: string) {
    return { name, cluster: CLUSTER };
  }

  /** Polls the provider until the desktop is in `phase` (and `also` holds). */
  waitForPhase(
    name: string,
    phase: WorkspacePhase,
    timeoutMs: number,
    also: (w: ProviderWorkspace) => Promise<boolean> = async () => true,
  ) {
    return waitFor(
      `desktop '${name}' to be ${phase}`,
      async note => {
        const workspace = await this.provider.get(this.ref(name));
        if (!workspace) {
          note('its VirtualMachine is not there');
          return undefined;
        }
        note(`${workspace.status.phase}: ${workspace.status.message}`);
        if (workspace.status.phase !== phase) return undefined;
        return (await also(workspace)) ? workspace : undefined;
      },
      { timeoutMs },
    );
  }

  /**
   * A console once the desktop's VNC answers: right after the VMI turns
   * Running, virt-handler may not reach QEMU's socket yet.
   */
  openConsole(name: string, options: ConsoleOptions, timeoutMs: number) {
    return waitFor(
      `the console of '${name}' to open`,
      async note => {
        try {
          return new ByteReader(
            await this.provider.openConsole(this.ref(name), options),
          );
        } catch (error) {
          const e = error as Error;
          if (
            e.name !== 'ConflictError' &&
            e.name !== 'ServiceUnavailableError'
          ) {
            throw error;
          }
          note(`${e.name}: ${e.message}`);
          return undefined;
        }
      },
      { timeoutMs, intervalMs: 5000 },
    );
  }

  /** Deletes a desktop through the provider and waits until nothing of it is on the cluster. */
  async deleteAndWait(spec: WorkspaceCreateSpec, timeoutMs: number) {
    const ref = this.ref(spec.name);
    await this.provider.delete(ref).catch(error => {
      if ((error as Error).name !== 'NotFoundError') throw error;
    });
    return waitFor(
      `desktop '${spec.name}' and its parts to be gone`,
      async note => {
        const [still, listed, left] = await Promise.all([
          this.provider.get(ref),
          this.provider.list(CLUSTER),
          this.admin.leftovers(this.namespace, spec),
        ]);
        const inList = listed.some(w => w.name === spec.name);
        if (!still && !inList && left.length === 0) return true;
        note(
          [
            still ? `get: ${still.status.phase}` : 'get: gone',
            inList ? 'still listed' : 'not listed',
            `left: ${left.join(', ') || 'nothing'}`,
          ].join('; '),
        );
        return undefined;
      },
      { timeoutMs },
    );
  }

  /** Records the raw VM, VMI and DataVolume of a desktop with what the provider made of them. */
  async recordDesktop(file: string, what: string, name: string) {
    if (!this.recorder.enabled) return;
    const [objects, workspace] = await Promise.all([
      this.admin.rawDesktop(this.namespace, name),
      this.provider.get(this.ref(name)),
    ]);
    await this.recorder.write(file, what, {
      ...objects,
      providerStatus: workspace?.status,
    });
  }

  /**
   * The API server's own answer to creating this order's VM, as the portal,
   * without creating it (dry run): the raw body behind a refusal.
   */
  async recordVmRefusal(file: string, what: string, spec: WorkspaceCreateSpec) {
    if (!this.recorder.enabled) return;
    const answer = await rawRequest(
      this.portal,
      'POST',
      `/apis/kubevirt.io/v1/namespaces/${this.namespace}/virtualmachines?dryRun=All&fieldValidation=Strict`,
      buildVirtualMachine(spec, this.cluster),
    );
    await this.recorder.write(file, what, { answer });
  }
}
