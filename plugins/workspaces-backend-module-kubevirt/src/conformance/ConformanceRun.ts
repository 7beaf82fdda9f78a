import { randomBytes } from 'crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { buildVirtualMachine } from '../buildVirtualMachine';
import type { KubeVirtCluster } from '../clusters';
import { KubeVirtWorkspaceProvider } from '../KubeVirtWorkspaceProvider';
import { KUBEVIRT_PROVIDER_RBAC_RULES } from '../rbac';
import { serviceAccountWith } from './accounts';
import { AdminCluster, RUN_LABEL } from './adminCluster';
import { Budget } from './budget';
import { Cleanup } from './cleanup';
import { prepareSource, type ImageSource } from './imageSource';
import { prepareInstancetypes } from './instancetypes';
import { rawDesktop, rawRequest } from './rawAnswers';
import { Recorder, type RawAnswer } from './record';
import { GI, type ConformanceSettings } from './settings';

export const CLUSTER = 'conformance';
/** The portal's stand-in: a ServiceAccount with the provider's Role and nothing else. */
export const PORTAL_ACCOUNT = 'desktop-portal';
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
  private readonly cleanup = new Cleanup();
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
    this.cleanup.add(`namespace ${namespace}`, () =>
      this.admin.deleteNamespace(
        namespace,
        this.cleanupBudget!.upTo(4 * MINUTE),
      ),
    );

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
    this.portal = await serviceAccountWith(
      this.admin,
      namespace,
      PORTAL_ACCOUNT,
      KUBEVIRT_PROVIDER_RBAC_RULES,
      lifetimeSeconds,
    );

    this.source = await prepareSource(
      this.admin,
      settings,
      namespace,
      storageClassName,
      this.budget,
      this.cleanup,
    );
    ({
      instancetype: this.instancetype,
      demandingPreference: this.demandingPreference,
    } = await prepareInstancetypes(
      this.admin,
      settings,
      namespace,
      this.cleanup,
    ));

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
    const failed = await this.cleanup.removeAll();
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

  /** Records the raw VM, VMI and DataVolume of a desktop with what the provider made of them. */
  async recordDesktop(file: string, what: string, name: string) {
    if (!this.recorder.enabled) return;
    const [objects, workspace] = await Promise.all([
      rawDesktop(this.admin, this.namespace, name),
      this.provider.get(this.ref(name)),
    ]);
    await this.recorder.write(file, what, {
      ...objects,
      providerStatus: workspace?.status,
    });
  }

  /** Records one raw answer of the API server to the portal; asked only when recording. */
  async recordAnswer(
    file: string,
    what: string,
    ask: (portal: KubeConfig) => Promise<RawAnswer>,
  ) {
    if (!this.recorder.enabled) return;
    await this.recorder.write(file, what, { answer: await ask(this.portal) });
  }

  /**
   * The API server's own answer to creating this order's VM, as the portal,
   * without creating it (dry run): the raw body behind a refusal.
   */
  recordVmRefusal(file: string, what: string, spec: WorkspaceCreateSpec) {
    return this.recordAnswer(file, what, portal =>
      rawRequest(
        portal,
        'POST',
        `/apis/kubevirt.io/v1/namespaces/${this.namespace}/virtualmachines?dryRun=All&fieldValidation=Strict`,
        buildVirtualMachine(spec, this.cluster),
      ),
    );
  }
}
