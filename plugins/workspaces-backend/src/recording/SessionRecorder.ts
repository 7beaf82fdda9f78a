import { randomUUID } from 'crypto';
import type { FileHandle } from 'fs/promises';
import { performance } from 'perf_hooks';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  RECORDING_FRAME_HEADER_BYTES,
  RECORDING_MAGIC,
} from '@desktop-mania/plugin-workspaces-common';
import type { ConsoleRecordingStore } from '../database/ConsoleRecordingStore';
import { isRecordedDesktop, type RecordingConfig } from './recordingConfig';
import type { RecordingStore } from './RecordingStore';

/**
 * Above this many bytes waiting for the disk, a session stops being
 * recorded: a disk slower than the relay must neither slow the relay down
 * nor make memory grow.
 */
export const MAX_PENDING_BYTES = 32 * 1024 * 1024;

/** What the audit entry of a console session says about its recording. */
export interface RecordingFacts {
  recordingId?: string;
  /** Why it was not recorded, or not to its end. */
  recordingNote?: string;
}

type Sink = {
  id: string;
  files: RecordingStore;
  maxBytes: number;
  maxPendingBytes: number;
  logger: LoggerService;
  open(): Promise<FileHandle>;
  close(end: {
    endedAt: Date;
    durationMs: number;
    bytes: number;
    truncated: boolean;
  }): Promise<void>;
  done(): void;
};

/**
 * One session's recording. {@link SessionRecording.write} is on the relay's
 * hot path: it only queues the frame; the queue goes to disk in one
 * `writev` per turn while no write is in flight.
 */
export class SessionRecording {
  private readonly started = performance.now();
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private written = 0;
  private handle: FileHandle | undefined;
  private writing: Promise<void> | undefined;
  private scheduled = false;
  private readonly opened: Promise<void> | undefined;
  private stopped: string | undefined;
  private closing = false;
  private finishing: Promise<RecordingFacts> | undefined;
  private failed: string | undefined;

  constructor(notRecorded: string | undefined, private readonly sink?: Sink) {
    this.failed = notRecorded;
    if (!sink) return;
    this.queue(RECORDING_MAGIC);
    this.opened = sink.open().then(
      handle => {
        this.handle = handle;
        this.schedule();
      },
      error => this.fail(`the recording could not be started: ${error}`),
    );
  }

  /** Frames are being recorded now. */
  get active(): boolean {
    return !!this.sink && !this.failed && !this.stopped && !this.closing;
  }

  /** Queues bytes the desktop sent; never waits. */
  write(chunk: Uint8Array) {
    if (!this.active) return;
    const sink = this.sink!;
    const bytes = RECORDING_FRAME_HEADER_BYTES + chunk.length;
    if (this.written + this.pendingBytes + bytes > sink.maxBytes) {
      this.stop(`it reached the limit of ${sink.maxBytes} bytes per session`);
      return;
    }
    if (this.pendingBytes + bytes > sink.maxPendingBytes) {
      this.stop('the disk could not keep up with the session');
      return;
    }
    const header = Buffer.allocUnsafe(RECORDING_FRAME_HEADER_BYTES);
    header.writeUInt32BE(Math.floor(performance.now() - this.started), 0);
    header.writeUInt32BE(chunk.length, 4);
    if (this.queue(header, chunk)) this.schedule();
  }

  private queue(...parts: Uint8Array[]): boolean {
    const bytes = parts.reduce((n, p) => n + p.length, 0);
    if (!this.sink!.files.reserve(bytes)) {
      this.stop('the recording store is full');
      return false;
    }
    this.pending.push(...parts);
    this.pendingBytes += bytes;
    return true;
  }

  private schedule() {
    if (!this.handle || this.writing || this.scheduled) return;
    if (this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    if (!this.handle || this.writing || this.pending.length === 0) return;
    const batch = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = this.handle.writev(batch).then(
      () => {
        this.written += bytes;
        this.sink!.files.wrote(this.sink!.id, bytes);
        this.writing = undefined;
        this.schedule();
      },
      error => {
        this.writing = undefined;
        this.sink!.files.unreserve(bytes);
        this.fail(`writing the recording failed: ${error}`);
      },
    );
  }

  private stop(why: string) {
    if (this.stopped) return;
    this.stopped = why;
    this.sink?.logger.warn(
      `Stopped recording console session ${this.sink.id}: ${why}`,
    );
  }

  private fail(why: string) {
    if (this.failed) return;
    this.failed = why;
    this.sink?.files.unreserve(this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.sink?.logger.warn(`Console session not recorded: ${why}`);
  }

  /**
   * Writes what is queued, closes the file and records how it ended; once,
   * however often it is called. Never rejects: a recording that fails must
   * not fail the session's end.
   */
  finish(): Promise<RecordingFacts> {
    this.finishing ??= this.close();
    return this.finishing;
  }

  private async close(): Promise<RecordingFacts> {
    const sink = this.sink;
    if (!sink) return { recordingNote: `not recorded: ${this.failed}` };
    try {
      this.closing = true;
      await this.opened;
      while (this.handle && !this.failed) {
        if (this.writing) await this.writing;
        else if (this.pending.length) this.flush();
        else break;
      }
      await this.handle?.close();
      if (this.handle) {
        await sink.close({
          endedAt: new Date(),
          durationMs: Math.round(performance.now() - this.started),
          bytes: this.written,
          truncated: !!this.stopped || !!this.failed,
        });
      }
    } catch (error) {
      this.fail(`finishing the recording failed: ${error}`);
    } finally {
      sink.done();
    }
    if (!this.handle) return { recordingNote: `not recorded: ${this.failed}` };
    const why = this.failed ?? this.stopped;
    return {
      recordingId: sink.id,
      ...(why && { recordingNote: `recording stopped early: ${why}` }),
    };
  }
}

/**
 * Records console sessions on the desktops `workspaces.recording` names:
 * decides per session, and keeps the ids of those still being written, so
 * housekeeping leaves their rows alone.
 */
export class SessionRecorder {
  private readonly open = new Map<string, SessionRecording>();

  constructor(
    private readonly options: {
      config: RecordingConfig | undefined;
      files: RecordingStore;
      records: ConsoleRecordingStore;
      logger: LoggerService;
      maxPendingBytes?: number;
    },
  ) {}

  /** Whether a session opened on this desktop now would be recorded. */
  records(desktop: { image: string; owner: string }): boolean {
    return (
      isRecordedDesktop(this.options.config, desktop) &&
      !this.options.files.refusal()
    );
  }

  /** Ids of the recordings this process is writing. */
  openIds(): string[] {
    return [...this.open.keys()];
  }

  /**
   * Finishes every recording still open, for a shutdown: what is queued is
   * written and the rows closed, so a rolling update cuts nothing.
   */
  async drain(): Promise<void> {
    await Promise.all([...this.open.values()].map(r => r.finish()));
  }

  /**
   * Starts recording a session, at once: frames written before the file is
   * open wait in memory. Undefined when this desktop's sessions are not
   * recorded at all.
   */
  start(session: {
    workspace: string;
    owner: string;
    image: string;
    actor: string;
    consoleSessionId?: number;
  }): SessionRecording | undefined {
    const { config, files, records, logger } = this.options;
    if (!config || !isRecordedDesktop(config, session)) return undefined;
    const refusal = files.refusal();
    if (refusal) {
      logger.warn(
        `Console session of ${session.actor} on ${session.workspace} is not recorded: ${refusal}`,
      );
      return new SessionRecording(refusal);
    }
    const id = randomUUID();
    const recording = new SessionRecording(undefined, {
      id,
      files,
      maxBytes: config.maxBytesPerSession,
      maxPendingBytes: this.options.maxPendingBytes ?? MAX_PENDING_BYTES,
      logger,
      open: async () => {
        const handle = await files.create(id);
        try {
          await records.add({ ...session, id, startedAt: new Date() });
        } catch (error) {
          await handle.close();
          await files.remove(id);
          throw error;
        }
        return handle;
      },
      close: async end => {
        await records.finish(id, end);
        files.closed(id, end.bytes);
      },
      done: () => {
        files.closed(id);
        this.open.delete(id);
      },
    });
    this.open.set(id, recording);
    return recording;
  }
}
