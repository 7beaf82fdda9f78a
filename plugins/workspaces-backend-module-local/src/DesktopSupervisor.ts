import fs from 'fs';
import path from 'path';
import type { WorkspaceStatus } from '@desktop-mania/plugin-workspaces-common';
import { removeCgroup } from './cgroups';
import { reclaimDisplay } from './displays';
import type { DesktopState, DesktopStore } from './DesktopStore';
import { mountHomeImage, unmountHome } from './homeImage';
import { isAlive, kill, terminate, waitForExit } from './processes';

/**
 * Watches the processes of every desktop, including those an earlier
 * backend started: desktops are detached and outlive it, and their refs in
 * the state files make them this backend's again. Also ends them.
 */
export class DesktopSupervisor {
  constructor(
    private readonly store: DesktopStore,
    private readonly bootId: string,
  ) {}

  /** Refs saved in an earlier boot may name unrelated processes now. */
  private fromThisBoot(state: DesktopState) {
    return state.bootId === this.bootId;
  }

  private liveProcesses(state: DesktopState) {
    const thisBoot = this.fromThisBoot(state);
    return {
      xvnc: thisBoot && isAlive(state.xvnc),
      sandbox: thisBoot && isAlive(state.sandbox),
    };
  }

  isRunning(state: DesktopState): boolean {
    const live = this.liveProcesses(state);
    return state.desired === 'running' && live.xvnc && live.sandbox;
  }

  statusOf(state: DesktopState): WorkspaceStatus {
    const busy = this.store.busyPhase(state.name);
    if (busy) return { phase: busy, ready: false };
    if (state.desired === 'stopped') return { phase: 'Stopped', ready: false };
    const failed = (message: string): WorkspaceStatus => ({
      phase: 'Failed',
      ready: false,
      message: `${message}; start it again`,
    });
    if (!state.xvnc) return failed('The desktop did not finish starting');
    if (!this.fromThisBoot(state))
      return failed('The machine restarted since the desktop last ran');
    const live = this.liveProcesses(state);
    if (!live.xvnc)
      return failed(`Xvnc exited${this.store.logTail(state.name, 'xvnc.log')}`);
    if (!live.sandbox) {
      return failed(
        `The desktop session exited (its window manager and terminal are gone)${this.store.logTail(
          state.name,
          'session.log',
        )}`,
      );
    }
    return {
      phase: 'Running',
      ready: true,
      message: `display :${state.display}`,
    };
  }

  /**
   * Their state files are all it takes to watch desktops an earlier backend
   * left running; they keep their cgroups, and their homes are mounted
   * again where this backend's mount namespace lost them.
   */
  async adopt(): Promise<DesktopState[]> {
    const running = this.store
      .all()
      .filter(s => this.statusOf(s).phase === 'Running');
    for (const state of running) {
      const image = this.store.homeImageOf(state.name);
      if (fs.existsSync(image)) {
        await mountHomeImage(image, this.store.homeOf(state.name));
      }
    }
    return running;
  }

  /** The cgroups recorded for this desktop; a state file copied from another desktop's names that one's, which are left alone. */
  private cgroupsOf(state: DesktopState) {
    const own = this.store.cgroupNameOf(state.name);
    return (state.cgroups ?? []).filter(dir => path.basename(dir) === own);
  }

  /** Displays held by other desktops' live X servers, which a launch must not take. */
  displaysInUse(except: string): number[] {
    return this.store
      .all()
      .filter(
        s =>
          s.name !== except &&
          s.display !== undefined &&
          this.liveProcesses(s).xvnc,
      )
      .map(s => s.display!);
  }

  /**
   * Ends every process of the desktop. Xvnc goes first, so the window
   * manager and terminal exit as they would at logout; whatever is left in
   * the sandbox ends with its pid namespace, and whatever is left in the
   * cgroup with it. Then the home is unmounted: a stopped desktop holds
   * nothing but its files.
   */
  async halt(state: DesktopState) {
    if (this.fromThisBoot(state)) {
      await terminate(state.xvnc, 2000);
      if (!(await waitForExit(state.sandbox, 1000))) {
        kill(state.sandbox);
        await waitForExit(state.sandbox, 3000);
      }
      await terminate(state.session, 1000);
    }
    await removeCgroup(this.cgroupsOf(state));
    await unmountHome(this.store.homeOf(state.name));
    // A killed X server leaves its lock and socket behind.
    if (state.display !== undefined) reclaimDisplay(state.display);
    state.xvnc = undefined;
    state.session = undefined;
    state.sandbox = undefined;
    state.display = undefined;
    state.cgroups = undefined;
    fs.rmSync(this.store.runDirOf(state.name), {
      recursive: true,
      force: true,
    });
    this.store.write(state);
  }
}
