import type { Readable } from 'stream';
import { PassThrough } from 'stream';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { WorkspaceFileEntry } from '@desktop-mania/plugin-workspaces-common';
import {
  workspacePathSegments,
  type WorkspaceFileTransfer,
  type WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import { FakeProvider } from './FakeProvider';

const AT = '2026-11-29T12:00:00.000Z';

/**
 * A provider whose desktops have an in-memory home: a map from path to
 * content, where a folder is any prefix of a file's path. Transfers need
 * the desktop running, as with the local provider.
 *
 * @public
 */
export class FakeProviderWithFiles extends FakeProvider {
  /** Per desktop, its files by path relative to the home. */
  readonly homes = new Map<string, Map<string, Buffer>>();

  readonly files: WorkspaceFileTransfer = {
    list: async (ref, dir) => {
      const prefix = this.folder(dir);
      const seen = new Map<string, WorkspaceFileEntry>();
      for (const [path, content] of this.homeOf(ref)) {
        if (!path.startsWith(prefix)) continue;
        const [name, ...rest] = path.slice(prefix.length).split('/');
        seen.set(name, {
          name,
          type: rest.length ? 'directory' : 'file',
          size: rest.length ? 0 : content.length,
          modifiedAt: AT,
        });
      }
      if (dir !== '' && seen.size === 0) {
        throw new NotFoundError(`No folder '${dir}' in the home`);
      }
      return [...seen.values()];
    },
    read: async (ref, path) => {
      workspacePathSegments(path);
      const content = this.homeOf(ref).get(path);
      if (!content) throw new NotFoundError(`No file '${path}' in the home`);
      const stream = new PassThrough();
      stream.end(content);
      return { content: stream, size: content.length };
    },
    write: async (ref, path, content: Readable, size) => {
      const segments = workspacePathSegments(path);
      if (segments.length === 0) throw new InputError('path: names no file');
      const home = this.homeOf(ref);
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(Buffer.from(chunk));
      const data = Buffer.concat(chunks);
      if (data.length !== size) {
        throw new InputError(`Received ${data.length} of ${size} bytes`);
      }
      home.set(segments.join('/'), data);
      return {
        name: segments[segments.length - 1],
        type: 'file',
        size,
        modifiedAt: AT,
      };
    },
  };

  private homeOf(ref: WorkspaceRef): Map<string, Buffer> {
    this.calls.push({ op: 'files', name: ref.name });
    const machine = this.machines.get(ref.name);
    if (!machine) throw new NotFoundError(`${ref.name} not found`);
    if (machine.status.phase !== 'Running') {
      throw new ConflictError(
        `The desktop '${ref.name}' is not running; start the desktop to transfer files`,
      );
    }
    let home = this.homes.get(ref.name);
    if (!home) this.homes.set(ref.name, (home = new Map()));
    return home;
  }

  private folder(dir: string) {
    const segments = workspacePathSegments(dir);
    return segments.length ? `${segments.join('/')}/` : '';
  }
}
