import fs from 'fs';
import net from 'net';
import path from 'path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { KeyboardLayout } from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleOptions,
  ProviderWorkspace,
  WorkspaceCreateSpec,
  WorkspaceFileTransfer,
  WorkspaceProvider,
  WorkspaceRef,
  WorkspaceSnapshots,
} from '@desktop-mania/plugin-workspaces-node';
import { LocalBinaries, resolveBinaries } from './binaries';
import { DesktopLauncher } from './DesktopLauncher';
import { DesktopState, DesktopStore } from './DesktopStore';
import { DesktopSupervisor } from './DesktopSupervisor';
import { checkHost } from './hostChecks';
import { assertEnforceable, checkHostLimits, HostLimits } from './hostLimits';
import { HomeFiles } from './homeFiles';
import { HomeSnapshots } from './homeSnapshots';
import { createHomeImage, GiB } from './homeImage';
import { setDesktopKeyboardLayout } from './keyboardLayout';
import { checkOrder } from './orderChecks';
import { UsageMeter } from './usage';

/** @public */
export interface LocalWorkspaceProviderOptions {
  /** Holds one folder per desktop: its state, its home and its runtime files. */
  dataDir: string;
  clusterName?: string;
  /** The first X display number desktops may take. Default 20. */
  displayBase?: number;
  /** The first of the user ids desktops run as when the backend runs as root. */
  uidBase?: number;
  binaries?: Partial<LocalBinaries>;
  /**
   * Run desktops without the limits this machine cannot enforce (memory,
   * CPU and processes without writable cgroups, home size without loop
   * mounts) instead of refusing them. Default false.
   */
  unbounded?: boolean;
  logger: LoggerService;
}

interface Parts {
  clusterName: string;
  logger: LoggerService;
  limits: HostLimits;
  store: DesktopStore;
  supervisor: DesktopSupervisor;
  launcher: DesktopLauncher;
}

/**
 * Runs each Linux desktop on this machine: TigerVNC's Xvnc on a unix socket
 * only the backend opens, and openbox with a terminal inside a bubblewrap
 * sandbox whose only writable place is the desktop's home folder. When the
 * backend runs as root every desktop also gets a user id of its own, a
 * cgroup holding it to its size's memory, CPU and processes, and a home
 * that is a filesystem image of the ordered diskGi; orders this machine
 * cannot hold to their size are refused unless `unbounded` allows them.
 * Desktops are detached from the backend: they keep running across its
 * restarts and are found again from their state files.
 * @public
 */
export class LocalWorkspaceProvider implements WorkspaceProvider {
  readonly id = 'local';

  /**
   * Checks the machine first, so a provider that cannot run desktops fails
   * the backend's startup instead of the first order.
   */
  static async fromOptions(
    options: LocalWorkspaceProviderOptions,
  ): Promise<LocalWorkspaceProvider> {
    const { logger } = options;
    const binaries = resolveBinaries(options.binaries);
    const host = await checkHost(binaries, logger);
    const store = await DesktopStore.open({
      dataDir: options.dataDir,
      asRoot: host.asRoot,
      uidBase: options.uidBase ?? 1_900_000_000,
    });
    const limits = await checkHostLimits({
      dataDir: path.resolve(options.dataDir),
      asRoot: host.asRoot,
      unbounded: options.unbounded ?? false,
      logger,
    });
    const supervisor = new DesktopSupervisor(store, host.bootId);
    const launcher = new DesktopLauncher({
      store,
      binaries,
      host,
      limits,
      displayBase: options.displayBase ?? 20,
      displaysInUse: except => supervisor.displaysInUse(except),
    });
    const running = await supervisor.adopt();
    if (running.length) {
      logger.info(
        `Found ${running.length} running local desktop(s) again: ${running
          .map(s => s.name)
          .join(', ')}`,
      );
    }
    return new LocalWorkspaceProvider({
      clusterName: options.clusterName ?? 'local',
      logger,
      limits,
      store,
      supervisor,
      launcher,
    });
  }

  /** Uploads into and downloads from desktops' homes, as their users own them. */
  readonly files: WorkspaceFileTransfer;
  /** Archives of desktops' homes, taken and restored while they are stopped. */
  readonly snapshots: WorkspaceSnapshots;

  private readonly meter = new UsageMeter();

  private constructor(private readonly parts: Parts) {
    this.files = new HomeFiles({
      store: parts.store,
      desktop: ref => {
        const state = this.mustRead(ref);
        return { state, phase: parts.supervisor.statusOf(state).phase };
      },
    });
    this.snapshots = new HomeSnapshots({
      store: parts.store,
      desktop: ref => {
        const state = this.mustRead(ref);
        return { state, running: parts.supervisor.isRunning(state) };
      },
    });
  }

  getClusters() {
    return [{ name: this.parts.clusterName, os: ['linux' as const] }];
  }

  private toWorkspace(state: DesktopState): ProviderWorkspace {
    return {
      name: state.name,
      cluster: this.parts.clusterName,
      owner: state.owner,
      status: this.parts.supervisor.statusOf(state),
    };
  }

  private checkCluster(cluster: string) {
    if (cluster !== this.parts.clusterName) {
      throw new NotFoundError(
        `The local provider runs cluster '${this.parts.clusterName}', not '${cluster}'`,
      );
    }
  }

  private mustRead(ref: WorkspaceRef): DesktopState {
    this.checkCluster(ref.cluster);
    const state = this.parts.store.read(ref.name);
    if (!state) throw new NotFoundError(`No local desktop named '${ref.name}'`);
    return state;
  }

  async create(spec: WorkspaceCreateSpec): Promise<ProviderWorkspace> {
    this.checkCluster(spec.cluster);
    const settings = checkOrder(spec);
    const { store, supervisor, launcher, logger, limits } = this.parts;
    assertEnforceable(limits);
    const created = await store.exclusive(
      spec.name,
      'Provisioning',
      async () => {
        if (store.read(spec.name)) {
          throw new ConflictError(
            `A local desktop named '${spec.name}' already exists`,
          );
        }
        const state = store.add({
          name: spec.name,
          owner: spec.owner,
          createdBy: spec.createdBy,
          username: spec.username,
          ...settings,
        });
        try {
          if (limits.homeImages) {
            await createHomeImage(
              store.homeImageOf(state.name),
              store.homeOf(state.name),
              settings.limits.diskGi * GiB,
              state.uid,
            );
          } else {
            store.makeHome(state);
          }
          await launcher.launch(state);
        } catch (error) {
          // A failed order leaves nothing behind.
          await supervisor.halt(state);
          store.remove(spec.name);
          throw error;
        }
        const { memoryBytes, cpus, pids, diskGi } = settings.limits;
        const held = state.cgroups
          ? `held to ${
              memoryBytes / 2 ** 20
            } MiB, ${cpus} CPU and ${pids} processes`
          : 'without memory, CPU and process limits';
        const home = limits.homeImages
          ? `a ${diskGi} GiB home`
          : 'a home of no size limit';
        logger.info(
          `Started local desktop '${state.name}' on display :${state.display} as uid ${state.uid}, ${held}, with ${home}`,
        );
        return state;
      },
    );
    return this.toWorkspace(created);
  }

  async get(ref: WorkspaceRef) {
    if (ref.cluster !== this.parts.clusterName) return undefined;
    const state = this.parts.store.read(ref.name);
    return state && this.toWorkspace(state);
  }

  async list(cluster: string) {
    this.checkCluster(cluster);
    return this.parts.store.all().map(s => this.toWorkspace(s));
  }

  /** Ends what is left of an earlier run first, so no second Xvnc ever serves the same desktop. */
  private async relaunch(state: DesktopState) {
    const { store } = this.parts;
    assertEnforceable(this.parts.limits, {
      name: state.name,
      homeIsImage: fs.existsSync(store.homeImageOf(state.name)),
    });
    await this.parts.supervisor.halt(state);
    state.desired = 'running';
    this.parts.store.write(state);
    await this.parts.launcher.launch(state);
  }

  async start(ref: WorkspaceRef) {
    await this.parts.store.exclusive(ref.name, 'Starting', async () => {
      const state = this.mustRead(ref);
      if (!this.parts.supervisor.isRunning(state)) await this.relaunch(state);
    });
  }

  async stop(ref: WorkspaceRef) {
    await this.parts.store.exclusive(ref.name, 'Stopping', async () => {
      const state = this.mustRead(ref);
      state.desired = 'stopped';
      await this.parts.supervisor.halt(state);
    });
  }

  async restart(ref: WorkspaceRef) {
    await this.parts.store.exclusive(ref.name, 'Starting', async () => {
      await this.relaunch(this.mustRead(ref));
    });
  }

  async delete(ref: WorkspaceRef) {
    await this.parts.store.exclusive(ref.name, 'Terminating', async () => {
      await this.parts.supervisor.halt(this.mustRead(ref));
      this.parts.store.remove(ref.name);
    });
  }

  /** From the desktop's cgroup and its home image. */
  async usage(ref: WorkspaceRef) {
    const state = this.mustRead(ref);
    if (!this.parts.supervisor.isRunning(state)) {
      this.meter.forget(state.name);
      return undefined;
    }
    return this.meter.measure(
      state.name,
      state.cgroups ?? [],
      this.parts.store.homeOf(state.name),
    );
  }

  /** setxkbmap on the desktop's X server, from inside its sandbox. */
  async setKeyboardLayout(ref: WorkspaceRef, layout: KeyboardLayout) {
    await setDesktopKeyboardLayout(this.mustRead(ref), layout, {
      asRoot: process.getuid?.() === 0,
    });
  }

  async openConsole(ref: WorkspaceRef, options?: ConsoleOptions) {
    const state = this.mustRead(ref);
    const status = this.parts.supervisor.statusOf(state);
    if (status.phase !== 'Running') {
      throw new ConflictError(
        `The desktop '${ref.name}' is not running (${status.phase}${
          status.message ? `: ${status.message}` : ''
        }); start it first`,
      );
    }
    options?.signal?.throwIfAborted();
    const socket = net.connect(this.parts.store.socketPathOf(ref.name));
    const abort = () => socket.destroy();
    options?.signal?.addEventListener('abort', abort, { once: true });
    socket.once('close', () =>
      options?.signal?.removeEventListener('abort', abort),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', error =>
        reject(
          new ConflictError(
            `The desktop '${ref.name}' refused the console`,
            error,
          ),
        ),
      );
    });
    return socket;
  }
}
