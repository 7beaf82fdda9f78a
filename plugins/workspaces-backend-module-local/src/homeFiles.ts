import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { PassThrough, type Readable } from 'stream';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type {
  WorkspaceFileEntry,
  WorkspacePhase,
} from '@desktop-mania/plugin-workspaces-common';
import {
  workspacePathSegments,
  type WorkspaceFileTransfer,
  type WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import type { DesktopState, DesktopStore } from './DesktopStore';

const {
  O_RDONLY,
  O_WRONLY,
  O_CREAT,
  O_EXCL,
  O_DIRECTORY,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_NOCTTY,
} = fs.constants;
type Handle = fs.promises.FileHandle;

/**
 * The one way this module names something in a desktop's home: a name
 * inside a folder already open, through the folder's descriptor. The kernel
 * resolves the descriptor itself, so no link the desktop's user planted on
 * the way is followed; the caller's flags decide about the last name.
 */
const at = (dir: Handle, name: string) => `/proc/self/fd/${dir.fd}/${name}`;

/** An errno the home's user caused, as the one line they should read. */
function explain(error: unknown, what: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new NotFoundError(`There is no '${what}' in the desktop's home`);
    case 'ENOTDIR':
    case 'ELOOP':
      return new InputError(
        `'${what}' is not a folder or file of the home; links are not followed`,
      );
    case 'EISDIR':
      return new InputError(`'${what}' is a folder`);
    case 'EACCES':
    case 'EPERM':
      return new NotAllowedError(`'${what}' cannot be opened`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new ConflictError(
        "The desktop's home is full; free space in it and try again",
      );
    default:
      return error as Error;
  }
}

function entryOf(name: string, stat: fs.Stats): WorkspaceFileEntry {
  let type: WorkspaceFileEntry['type'] = 'other';
  if (stat.isFile()) type = 'file';
  else if (stat.isDirectory()) type = 'directory';
  return {
    name,
    type,
    size: type === 'file' ? stat.size : 0,
    modifiedAt: stat.mtime.toISOString(),
  };
}

/**
 * Transfers files with the homes of local desktops. The backend may run as
 * root, and a home belongs to its desktop's user, who can plant links in
 * it; so every name is opened relative to its folder's descriptor without
 * following links (see {@link at}), downloads are of regular files that
 * user owns (a hard link to someone else's file is refused), and uploads
 * are made the user's before a byte is written, counted against the home's
 * image like anything the desktop writes, and renamed into place whole.
 */
export class HomeFiles implements WorkspaceFileTransfer {
  private readonly asRoot = process.getuid?.() === 0;

  constructor(
    private readonly options: {
      store: DesktopStore;
      /** The desktop's state and phase; throws when it does not exist. */
      desktop(ref: WorkspaceRef): {
        state: DesktopState;
        phase: WorkspacePhase;
      };
    },
  ) {}

  async list(ref: WorkspaceRef, dir: string): Promise<WorkspaceFileEntry[]> {
    const segments = workspacePathSegments(dir);
    const folder = await this.openFolder(ref, segments);
    try {
      const names = await fs.promises.readdir(at(folder, '.'));
      const entries = await Promise.all(
        names.map(async name => {
          try {
            return entryOf(name, await fs.promises.lstat(at(folder, name)));
          } catch {
            return undefined; // removed meanwhile
          }
        }),
      );
      return entries.filter((e): e is WorkspaceFileEntry => !!e);
    } finally {
      await folder.close();
    }
  }

  async read(ref: WorkspaceRef, file: string) {
    const segments = workspacePathSegments(file);
    const name = segments.pop();
    if (!name) throw new InputError('path: names the home, not a file');
    const { state } = this.options.desktop(ref);
    const folder = await this.openFolder(ref, segments);
    let handle: Handle;
    try {
      // Non-blocking, so a planted FIFO cannot hold the request open.
      handle = await fs.promises
        .open(at(folder, name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        .catch(error => {
          throw explain(error, file);
        });
    } finally {
      await folder.close();
    }
    const stat = await handle.stat();
    if (!stat.isFile() || stat.uid !== state.uid) {
      await handle.close();
      throw new InputError(
        stat.isFile()
          ? `'${file}' does not belong to the desktop's user`
          : `'${file}' is not a regular file`,
      );
    }
    if (stat.size === 0) {
      await handle.close();
      const empty = new PassThrough();
      empty.end();
      return { content: empty as Readable, size: 0 };
    }
    // Up to the size announced: a file still growing is cut there.
    const content = handle.createReadStream({ start: 0, end: stat.size - 1 });
    return { content: content as Readable, size: stat.size };
  }

  async write(
    ref: WorkspaceRef,
    file: string,
    content: Readable,
    size: number,
  ): Promise<WorkspaceFileEntry> {
    const segments = workspacePathSegments(file);
    const name = segments.pop();
    if (!name) throw new InputError('path: names the home, not a file');
    const { state } = this.options.desktop(ref);
    const folder = await this.openFolder(ref, segments, state);
    const temp = `.${name.slice(0, 200)}.upload-${crypto
      .randomBytes(6)
      .toString('hex')}`;
    try {
      const handle = await fs.promises
        .open(
          at(folder, temp),
          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY,
          0o644,
        )
        .catch(error => {
          throw explain(error, file);
        });
      try {
        if (this.asRoot) await handle.chown(state.uid, state.uid);
        await copyExactly(content, handle, size);
        await handle.sync();
      } catch (error) {
        await handle.close().catch(() => undefined);
        await fs.promises.unlink(at(folder, temp)).catch(() => undefined);
        throw explain(error, file);
      }
      const stat = await handle.stat();
      await handle.close();
      // rename replaces whatever bears the name, a link included, and
      // never writes through it.
      await fs.promises
        .rename(at(folder, temp), at(folder, name))
        .catch(async error => {
          await fs.promises.unlink(at(folder, temp)).catch(() => undefined);
          throw explain(error, file);
        });
      return entryOf(name, stat);
    } finally {
      await folder.close();
    }
  }

  /**
   * The home's root, when the desktop runs and its home is mounted: a home
   * image not mounted leaves an empty folder on the data disk, and what
   * was written there would land outside the image's size.
   */
  private async openHome(ref: WorkspaceRef): Promise<Handle> {
    const { state, phase } = this.options.desktop(ref);
    if (phase !== 'Running') {
      throw new ConflictError(
        `The desktop '${
          ref.name
        }' is ${phase.toLowerCase()}; start the desktop to transfer files`,
      );
    }
    const home = this.options.store.homeOf(state.name);
    const handle = await fs.promises.open(
      home,
      O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
    );
    if (fs.existsSync(this.options.store.homeImageOf(state.name))) {
      const [inside, outside] = await Promise.all([
        handle.stat(),
        fs.promises.stat(path.dirname(home)),
      ]);
      if (inside.dev === outside.dev) {
        await handle.close();
        throw new ConflictError(
          `The home of the desktop '${ref.name}' is not mounted; start the desktop to transfer files`,
        );
      }
    }
    return handle;
  }

  /**
   * Opens a folder of the home one name at a time. With `creator`, missing
   * folders are made on the way and given to that desktop's user.
   */
  private async openFolder(
    ref: WorkspaceRef,
    segments: string[],
    creator?: DesktopState,
  ): Promise<Handle> {
    let folder = await this.openHome(ref);
    const flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
    for (let i = 0; i < segments.length; i++) {
      const where = segments.slice(0, i + 1).join('/');
      let next: Handle;
      try {
        next = await fs.promises.open(at(folder, segments[i]), flags);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !creator) {
          await folder.close();
          throw explain(error, where);
        }
        try {
          next = await this.makeFolder(folder, segments[i], creator);
        } catch (makeError) {
          await folder.close();
          throw explain(makeError, where);
        }
      }
      await folder.close();
      folder = next;
    }
    return folder;
  }

  private async makeFolder(parent: Handle, name: string, owner: DesktopState) {
    await fs.promises.mkdir(at(parent, name), { mode: 0o755 }).catch(error => {
      // Made by the desktop meanwhile: fine, it is opened below like any other.
      if (error.code !== 'EEXIST') throw error;
    });
    const made = await fs.promises.open(
      at(parent, name),
      O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
    );
    const stat = await made.stat();
    if (this.asRoot && stat.uid === 0) await made.chown(owner.uid, owner.uid);
    return made;
  }
}

/** Copies exactly `size` bytes from `content`, failing on more or fewer. */
async function copyExactly(content: Readable, handle: Handle, size: number) {
  let received = 0;
  for await (const chunk of content) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    received += bytes.length;
    if (received > size) {
      content.destroy();
      throw new InputError(`The upload is longer than its ${size} bytes`);
    }
    await handle.write(bytes);
  }
  if (received < size) {
    throw new InputError(
      `The upload ended after ${received} of its ${size} bytes`,
    );
  }
}
