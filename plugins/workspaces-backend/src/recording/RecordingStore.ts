import fs from 'fs';
import type { FileHandle } from 'fs/promises';
import path from 'path';
import { Readable } from 'stream';
import type { LoggerService } from '@backstage/backend-plugin-api';

const SUFFIX = '.dmrec';
// Ids are UUIDs; nothing else ever becomes a path.
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a string can be a recording's id; checked before any path is made of it. */
export const isRecordingId = (id: string) => ID.test(id);

/**
 * Recording files in one folder (a volume shared by the replicas in the
 * Kubernetes deployment). Keeps the bytes the folder holds against
 * `maxTotalBytes`: counted from the disk on {@link RecordingStore.refresh}
 * and raised by this process's writes in between, so the limit holds
 * without a directory scan per frame.
 */
export class RecordingStore {
  private used = 0;
  private problem: string | undefined =
    'the recording folder was not checked yet';

  constructor(
    private readonly options: {
      dir: string;
      maxTotalBytes: number;
      logger: LoggerService;
    },
  ) {}

  get usedBytes() {
    return this.used;
  }

  /** Creates the folder if need be, checks it is writable and counts what it holds. */
  async refresh(): Promise<void> {
    const { dir, logger } = this.options;
    try {
      await fs.promises.mkdir(dir, { recursive: true });
      await fs.promises.access(dir, fs.constants.W_OK);
      let used = 0;
      for (const name of await fs.promises.readdir(dir)) {
        if (!name.endsWith(SUFFIX)) continue;
        used += await this.sizeOfFile(path.join(dir, name));
      }
      this.used = used;
      if (this.problem) {
        logger.info(`Console recordings go to ${dir}`);
      }
      this.problem = undefined;
    } catch (error) {
      const problem = `the recording folder ${dir} is not writable (${
        (error as Error).message
      })`;
      if (problem !== this.problem)
        logger.warn(`Recording nothing: ${problem}`);
      this.problem = problem;
    }
  }

  /** Why a new recording cannot start now; undefined when it can. */
  refusal(): string | undefined {
    if (this.problem) return this.problem;
    if (this.used >= this.options.maxTotalBytes) {
      return `the recording store is full (${this.used} of ${this.options.maxTotalBytes} bytes)`;
    }
    return undefined;
  }

  /** Takes room for bytes about to be written; false when the store is full. */
  reserve(bytes: number): boolean {
    if (this.used + bytes > this.options.maxTotalBytes) return false;
    this.used += bytes;
    return true;
  }

  /** Gives back room taken for bytes that were never written. */
  unreserve(bytes: number) {
    this.used = Math.max(0, this.used - bytes);
  }

  private fileOf(id: string) {
    if (!isRecordingId(id)) throw new Error(`'${id}' is not a recording id`);
    return path.join(this.options.dir, `${id}${SUFFIX}`);
  }

  /** A new, empty file for a recording; fails if it exists. */
  create(id: string): Promise<FileHandle> {
    return fs.promises.open(this.fileOf(id), 'wx');
  }

  /** The file's size, or undefined when it is gone. */
  async size(id: string): Promise<number | undefined> {
    try {
      return (await fs.promises.stat(this.fileOf(id))).size;
    } catch {
      return undefined;
    }
  }

  /** The file's modification time, or undefined when it is gone. */
  async modifiedAt(id: string): Promise<Date | undefined> {
    try {
      return new Date((await fs.promises.stat(this.fileOf(id))).mtimeMs);
    } catch {
      return undefined;
    }
  }

  /** The first `bytes` of the file: one still being written grows meanwhile. */
  read(id: string, bytes: number): Readable {
    if (bytes === 0) return Readable.from([]);
    return fs.createReadStream(this.fileOf(id), { start: 0, end: bytes - 1 });
  }

  /** Deletes a recording's file; gone already is fine. */
  async remove(id: string) {
    const file = this.fileOf(id);
    const size = await this.sizeOfFile(file);
    await fs.promises.rm(file, { force: true });
    this.unreserve(size);
  }

  /**
   * Deletes files older than `before` that no row names (their row was
   * never written, or went first); returns how many.
   */
  async removeStrays(before: Date, known: (id: string) => Promise<boolean>) {
    let removed = 0;
    for (const name of await fs.promises.readdir(this.options.dir)) {
      const id = name.slice(0, -SUFFIX.length);
      if (!name.endsWith(SUFFIX) || !isRecordingId(id)) continue;
      const at = await this.modifiedAt(id);
      if (!at || at >= before || (await known(id))) continue;
      await this.remove(id);
      removed += 1;
    }
    return removed;
  }

  private async sizeOfFile(file: string) {
    try {
      return (await fs.promises.stat(file)).size;
    } catch {
      return 0;
    }
  }
}
