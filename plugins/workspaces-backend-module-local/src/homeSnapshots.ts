import { execFile } from 'child_process';
import fs from 'fs';
import path from 'path';
import { promisify } from 'util';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { SNAPSHOT_NAME_PATTERN } from '@desktop-mania/plugin-workspaces-common';
import type {
  ProviderSnapshot,
  WorkspaceRef,
  WorkspaceSnapshots,
} from '@desktop-mania/plugin-workspaces-node';
import type { DesktopState, DesktopStore } from './DesktopStore';
import { mountHomeImage, unmountHome } from './homeImage';
import { isMountPoint } from './mounts';
import { commandFailure } from './processes';

const TAR = '/usr/bin/tar';
// A home of tens of GiB takes minutes to pack; the request waits for it.
const TIMEOUT_MS = 30 * 60_000;
const SUFFIX = '.tar.gz';

/**
 * Snapshots of desktops' homes: a tar archive each, taken and restored only
 * while the desktop is stopped, so no program writes to the home meanwhile
 * and the archive is one consistent moment. They live beside the desktops'
 * folders, in `<dataDir>/.snapshots/<desktop>`, so a kept one outlives its
 * desktop's folder; no desktop's user can reach them.
 */
export class HomeSnapshots implements WorkspaceSnapshots {
  readonly requiresStopped = { take: true, restore: true };

  constructor(
    private readonly options: {
      store: DesktopStore;
      desktop(ref: WorkspaceRef): { state: DesktopState; running: boolean };
      tar?: string;
    },
  ) {}

  private dirOf(name: string) {
    const dataDir = path.dirname(path.dirname(this.options.store.homeOf(name)));
    return path.join(dataDir, '.snapshots', name);
  }

  private fileOf(name: string, snapshotRef: string) {
    if (!SNAPSHOT_NAME_PATTERN.test(snapshotRef)) {
      throw new InputError(
        `'${snapshotRef}' is not a snapshot of this desktop`,
      );
    }
    return path.join(this.dirOf(name), `${snapshotRef}${SUFFIX}`);
  }

  private async tar(what: string, args: string[]) {
    try {
      await promisify(execFile)(this.options.tar ?? TAR, args, {
        timeout: TIMEOUT_MS,
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `${what} failed: ${commandFailure(error, TIMEOUT_MS)}`,
      );
    }
  }

  /**
   * Runs `fn` on the stopped desktop's home, mounted for the while if it is
   * an image, with the desktop locked so no start comes between.
   */
  private withStoppedHome<T>(
    ref: WorkspaceRef,
    what: string,
    fn: (home: string) => Promise<T>,
  ): Promise<T> {
    const { store } = this.options;
    return store.exclusive(ref.name, 'Stopped', async () => {
      const { state, running } = this.options.desktop(ref);
      if (running) {
        throw new ConflictError(
          `Stop the desktop '${ref.name}' first: ${what} only while it is stopped`,
        );
      }
      const home = store.homeOf(state.name);
      const image = store.homeImageOf(state.name);
      const mount = fs.existsSync(image) && !isMountPoint(home);
      if (mount) await mountHomeImage(image, home);
      try {
        return await fn(home);
      } finally {
        if (mount) await unmountHome(home);
      }
    });
  }

  async take(ref: WorkspaceRef, snapshot: string): Promise<ProviderSnapshot> {
    const file = this.fileOf(ref.name, snapshot);
    await this.withStoppedHome(ref, 'its home is archived', async home => {
      await fs.promises.mkdir(path.dirname(file), {
        recursive: true,
        mode: 0o700,
      });
      if (fs.existsSync(file)) {
        throw new ConflictError(
          `The desktop '${ref.name}' already has a snapshot named '${snapshot}'`,
        );
      }
      // Written aside and renamed, so a failed archive never looks whole.
      const partial = `${file}.partial`;
      try {
        await this.tar(`Archiving the home of '${ref.name}'`, [
          '--create',
          '--gzip',
          '--sparse',
          '--numeric-owner',
          '--file',
          partial,
          '--directory',
          home,
          '.',
        ]);
        await fs.promises.rename(partial, file);
      } finally {
        await fs.promises.rm(partial, { force: true });
      }
    });
    return { ref: snapshot, state: 'ready' };
  }

  async list(ref: WorkspaceRef): Promise<ProviderSnapshot[]> {
    this.options.desktop(ref);
    let names: string[];
    try {
      names = await fs.promises.readdir(this.dirOf(ref.name));
    } catch {
      return [];
    }
    return names
      .filter(n => n.endsWith(SUFFIX))
      .map(n => ({ ref: n.slice(0, -SUFFIX.length), state: 'ready' }));
  }

  async restore(
    ref: WorkspaceRef,
    snapshotRef: string,
  ): Promise<ProviderSnapshot> {
    const file = this.fileOf(ref.name, snapshotRef);
    if (!fs.existsSync(file)) {
      throw new NotFoundError(
        `The desktop '${ref.name}' has no snapshot '${snapshotRef}'`,
      );
    }
    await this.withStoppedHome(ref, 'a snapshot is restored', async home => {
      // Everything written since goes; links are removed, never followed.
      for (const entry of await fs.promises.readdir(home)) {
        await fs.promises.rm(path.join(home, entry), {
          recursive: true,
          force: true,
        });
      }
      // The archive was made from this home by the backend; GNU tar makes
      // its symbolic links only after every other member (its "delayed
      // links"), so no link in it can send a later file out of the home.
      await this.tar(`Restoring the home of '${ref.name}'`, [
        '--extract',
        '--gzip',
        '--numeric-owner',
        '--file',
        file,
        '--directory',
        home,
      ]);
    });
    return { ref: snapshotRef, state: 'ready' };
  }

  async delete(ref: WorkspaceRef, snapshotRef: string): Promise<void> {
    await fs.promises.rm(this.fileOf(ref.name, snapshotRef), { force: true });
  }
}
