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

/** How often a replica that records learns what the others wrote. */
export const USAGE_SYNC_MS = 5_000;

/**
 * What the recordings' rows in the shared database say they hold, which
 * every replica reads and writes; see ConsoleRecordingStore.
 */
export interface RecordingUsage {
  /** Bytes of all recordings, finished or as far as they were reported. */
  usedBytes(): Promise<number>;
  /** Reports an open recording's bytes so far; false when it has no open row. */
  progress(id: string, bytes: number): Promise<boolean>;
}

/**
 * Recording files in one folder (a volume shared by the replicas in the
 * Kubernetes deployment). Keeps the bytes the folder holds against
 * `maxTotalBytes` across replicas, without a directory scan per frame: the
 * rows of all replicas' recordings (finished ones' sizes, open ones' bytes
 * reported every {@link USAGE_SYNC_MS}), what the folder held beyond them
 * at the last {@link RecordingStore.refresh}, and this process's bytes not
 * reported yet.
 */
export class RecordingStore {
  /** Bytes the rows held at the last sync. */
  private inRows = 0;
  /** Bytes on disk no row counted at the last refresh (files without rows). */
  private offRows = 0;
  /** This process's bytes taken since, and not in `inRows` yet. */
  private unreported = 0;
  /** Of those, bytes rows hold since the last sync read them. */
  private movedToRows = 0;
  /** This process's open files: bytes written, and reported to their rows. */
  private readonly writing = new Map<
    string,
    { written: number; reported: number }
  >();
  private lastSync = 0;
  private syncing: Promise<void> | undefined;
  private problem: string | undefined =
    'the recording folder was not checked yet';

  constructor(
    private readonly options: {
      dir: string;
      maxTotalBytes: number;
      logger: LoggerService;
      usage: RecordingUsage;
      /** Defaults to {@link USAGE_SYNC_MS}. */
      syncMs?: number;
    },
  ) {}

  get usedBytes() {
    return this.inRows + this.offRows + this.unreported;
  }

  /**
   * Creates the folder if need be, checks it is writable and counts what it
   * holds: the rows' total, and what the disk holds beyond it.
   */
  async refresh(): Promise<void> {
    const { dir, logger } = this.options;
    try {
      await fs.promises.mkdir(dir, { recursive: true });
      await fs.promises.access(dir, fs.constants.W_OK);
      let onDisk = 0;
      for (const name of await fs.promises.readdir(dir)) {
        if (!name.endsWith(SUFFIX)) continue;
        onDisk += await this.sizeOfFile(path.join(dir, name));
      }
      try {
        await this.sync();
      } catch (error) {
        logger.warn(
          `Could not read what the console recordings hold: ${error}; counting the folder`,
        );
      }
      // Rows of files already gone count, rather than a negative figure:
      // erring towards full never overshoots the volume.
      this.offRows = Math.max(0, onDisk - this.inRows);
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

  /**
   * Reports this process's open recordings' bytes to their rows, then reads
   * what all rows hold. Bytes count in `unreported` until a read of the
   * rows includes them, so none goes uncounted meanwhile.
   */
  async sync(): Promise<void> {
    while (this.syncing) await this.syncing;
    this.syncing = this.readRows();
    try {
      await this.syncing;
    } finally {
      this.syncing = undefined;
    }
  }

  private async readRows() {
    const { usage } = this.options;
    for (const [id, file] of this.writing) {
      const bytes = file.written;
      if (bytes > file.reported && (await usage.progress(id, bytes))) {
        this.movedToRows += bytes - file.reported;
        file.reported = bytes;
      }
    }
    const moved = this.movedToRows;
    const inRows = await usage.usedBytes();
    this.inRows = inRows;
    this.movedToRows -= moved;
    this.unreported = Math.max(0, this.unreported - moved);
    this.lastSync = Date.now();
  }

  /** Starts a sync when the last is older than the interval; never waits. */
  private syncSoon() {
    const { syncMs = USAGE_SYNC_MS, logger } = this.options;
    if (this.problem || this.syncing) return;
    if (Date.now() - this.lastSync < syncMs) return;
    this.sync().catch(error =>
      logger.warn(
        `Could not read what the console recordings hold: ${error}; counting this process's own writes meanwhile`,
      ),
    );
  }

  /** Why a new recording cannot start now; undefined when it can. */
  refusal(): string | undefined {
    if (this.problem) return this.problem;
    this.syncSoon();
    const used = this.usedBytes;
    if (used >= this.options.maxTotalBytes) {
      return `the recording store is full (${used} of ${this.options.maxTotalBytes} bytes)`;
    }
    return undefined;
  }

  /** Takes room for bytes about to be written; false when the store is full. */
  reserve(bytes: number): boolean {
    this.syncSoon();
    if (this.usedBytes + bytes > this.options.maxTotalBytes) return false;
    this.unreported += bytes;
    return true;
  }

  /** Gives back room taken for bytes that were never written. */
  unreserve(bytes: number) {
    this.unreported = Math.max(0, this.unreported - bytes);
  }

  /** Counts bytes written to an open recording's file, to report to its row. */
  wrote(id: string, bytes: number) {
    const file = this.writing.get(id);
    if (file) file.written += bytes;
  }

  /**
   * Ends the count of a recording's file. With `finishedAt` (the bytes its
   * row now holds) they count there from the next sync; without, the row
   * was never finished, and what was written counts as a file without one.
   */
  closed(id: string, finishedAt?: number) {
    const file = this.writing.get(id);
    if (!file) return;
    this.writing.delete(id);
    if (finishedAt !== undefined) {
      this.movedToRows += Math.max(0, finishedAt - file.reported);
      return;
    }
    const unreported = file.written - file.reported;
    this.offRows += unreported;
    this.unreported = Math.max(0, this.unreported - unreported);
  }

  private fileOf(id: string) {
    if (!isRecordingId(id)) throw new Error(`'${id}' is not a recording id`);
    return path.join(this.options.dir, `${id}${SUFFIX}`);
  }

  /** A new, empty file for a recording; fails if it exists. */
  async create(id: string): Promise<FileHandle> {
    const handle = await fs.promises.open(this.fileOf(id), 'wx');
    this.writing.set(id, { written: 0, reported: 0 });
    return handle;
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

  /**
   * Deletes a recording's file; gone already is fine. Its bytes stop
   * counting when its row goes.
   */
  async remove(id: string) {
    this.writing.delete(id);
    await fs.promises.rm(this.fileOf(id), { force: true });
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
      const size = (await this.size(id)) ?? 0;
      await this.remove(id);
      // No row counted it: it was among the bytes beyond the rows.
      this.offRows = Math.max(0, this.offRows - size);
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
