import type { Readable } from 'stream';
import { InputError } from '@backstage/errors';
import type { WorkspaceFileEntry } from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRef } from './WorkspaceProvider';

/**
 * File transfer with a desktop's home, for providers that have a channel to
 * it. Paths are relative to the home, `/`-separated, `''` the home itself;
 * the backend checks them with {@link workspacePathSegments} before calling,
 * and a provider checks them again, since it is what touches the files.
 *
 * A provider must never follow a link the desktop's user planted, and must
 * not let a transfer reach anything that user could not reach.
 *
 * Errors: `InputError` for a path that is not a file or folder of the home,
 * `ConflictError` when the desktop is not in a state to transfer (stopped,
 * or its home is full), `NotFoundError` for a missing desktop or file.
 * @public
 */
export interface WorkspaceFileTransfer {
  /** The entries of one folder, links listed but never followed. */
  list(ref: WorkspaceRef, dir: string): Promise<WorkspaceFileEntry[]>;
  /** Opens one regular file for reading. */
  read(
    ref: WorkspaceRef,
    path: string,
  ): Promise<{ content: Readable; size: number }>;
  /**
   * Writes exactly `size` bytes from `content` to `path`, replacing a file
   * there only once all of them are written: a failed or short upload
   * leaves no partial file. The file belongs to the desktop's user.
   */
  write(
    ref: WorkspaceRef,
    path: string,
    content: Readable,
    size: number,
  ): Promise<WorkspaceFileEntry>;
}

const MAX_PATH_BYTES = 4096;
const MAX_NAME_BYTES = 255;

/**
 * The folder names of a path in a desktop's home, or an `InputError` for a
 * path that could leave it or that no filesystem takes: absolute, with `.`
 * or `..`, empty names, NUL or control characters, or too long.
 * @public
 */
export function workspacePathSegments(path: string): string[] {
  // Quoted as JSON, so a newline in it cannot break the one-line message.
  const bad = (why: string) =>
    new InputError(`path: ${JSON.stringify(path.slice(0, 200))} ${why}`);
  if (typeof path !== 'string') throw new InputError('path: must be a string');
  if (path === '') return [];
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) {
    throw bad(`is longer than ${MAX_PATH_BYTES} bytes`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    throw bad('holds a control character');
  }
  if (path.startsWith('/')) {
    throw bad('is absolute; give it relative to the home');
  }
  const segments = path.replace(/\/$/, '').split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') {
      throw bad("holds an empty, '.' or '..' folder name");
    }
    if (Buffer.byteLength(s) > MAX_NAME_BYTES) {
      throw bad(`holds a name longer than ${MAX_NAME_BYTES} bytes`);
    }
  }
  return segments;
}
