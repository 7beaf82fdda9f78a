import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  workspaceReadPermission,
  workspaceRecordingReadPermission,
  type RecordingSummary,
} from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleRecordingStore,
  RecordingRecord,
} from '../database/ConsoleRecordingStore';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { WorkspaceAuthorizer } from '../service/WorkspaceAuthorizer';
import { isRecordingOn, type RecordingConfig } from './recordingConfig';
import { isRecordingId, RecordingStore } from './RecordingStore';
import { SessionRecorder } from './SessionRecorder';

const toSummary = ({ owner: _owner, ...summary }: RecordingRecord) =>
  summary as RecordingSummary;

/**
 * Console recordings: the recorder the console proxy writes through, what
 * the routes read (admins and the desktop's owner only) and the
 * housekeeping that closes what a crash left open and deletes what is past
 * retention.
 */
export class Recordings {
  readonly recorder: SessionRecorder;
  private readonly files: RecordingStore;
  private readonly records: ConsoleRecordingStore;
  private readonly retentionMs: number;

  constructor(
    private readonly options: {
      /** Earlier recordings are served and expire even when nothing is recorded now. */
      config: RecordingConfig;
      /** The recordings' rows, on the plugin's database. */
      records: ConsoleRecordingStore;
      /** A desktop's record as it is now, read through the workspace service. */
      get(name: string): Promise<WorkspaceRecord | undefined>;
      authorizer: Pick<WorkspaceAuthorizer, 'isAllowed'>;
      logger: LoggerService;
    },
  ) {
    const { config, logger } = options;
    this.retentionMs = config.retentionMs;
    this.files = new RecordingStore({
      ...config,
      logger,
      usage: options.records,
    });
    this.records = options.records;
    this.recorder = new SessionRecorder({
      config,
      files: this.files,
      records: this.records,
      logger,
    });
  }

  /** Checks the folder; only when recording is on, so nothing is created otherwise. */
  async start() {
    if (isRecordingOn(this.options.config)) await this.files.refresh();
  }

  async list(
    credentials: BackstageCredentials,
    name: string,
  ): Promise<{ items: RecordingSummary[] }> {
    const record = await this.options.get(name);
    if (!record) throw new NotFoundError(`No desktop named '${name}'`);
    await this.authorize(credentials, record, `No desktop named '${name}'`);
    const rows = await this.records.list(name, record.owner);
    return { items: rows.map(toSummary) };
  }

  async get(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<RecordingSummary> {
    return toSummary(await this.authorized(credentials, id));
  }

  /** The file, for those who may read the recording. */
  async content(credentials: BackstageCredentials, id: string) {
    const recording = await this.authorized(credentials, id);
    const size = await this.files.size(id);
    if (size === undefined) {
      throw new NotFoundError(`The file of recording '${id}' is gone`);
    }
    return { recording, size, stream: this.files.read(id, size) };
  }

  private async authorized(credentials: BackstageCredentials, id: string) {
    const missing = `No recording '${id}'`;
    const recording = isRecordingId(id)
      ? await this.records.get(id)
      : undefined;
    if (!recording) throw new NotFoundError(missing);
    // Judged against the desktop as it was recorded: its owner then, and
    // the same rules after the desktop is deleted.
    const live = await this.options.get(recording.workspace);
    const desktop =
      live &&
      live.owner.toLocaleLowerCase('en-US') ===
        recording.owner.toLocaleLowerCase('en-US')
        ? live
        : asDeletedDesktop(recording);
    await this.authorize(credentials, desktop, missing);
    return recording;
  }

  private async authorize(
    credentials: BackstageCredentials,
    desktop: WorkspaceRecord,
    missing: string,
  ) {
    const { authorizer } = this.options;
    if (
      !(await authorizer.isAllowed(
        workspaceReadPermission,
        desktop,
        credentials,
      ))
    ) {
      throw new NotFoundError(missing);
    }
    if (
      !(await authorizer.isAllowed(
        workspaceRecordingReadPermission,
        desktop,
        credentials,
      ))
    ) {
      throw new NotAllowedError(
        `You may not watch recordings of the desktop '${desktop.name}'`,
      );
    }
  }

  /**
   * Closes recordings whose session no process relays any more (a crash),
   * deletes those past retention with their files, and files no row names.
   */
  async housekeep(now = new Date()) {
    const { logger } = this.options;
    let closed = 0;
    for (const orphan of await this.records.orphans(
      now,
      this.recorder.openIds(),
    )) {
      const bytes = (await this.files.size(orphan.id)) ?? 0;
      const endedAt = (await this.files.modifiedAt(orphan.id)) ?? now;
      await this.records.finish(orphan.id, {
        endedAt,
        durationMs: Math.max(
          0,
          endedAt.getTime() - new Date(orphan.startedAt).getTime(),
        ),
        bytes,
        // Whatever was queued when the process died is missing.
        truncated: true,
      });
      closed += 1;
    }
    const before = new Date(now.getTime() - this.retentionMs);
    let deleted = 0;
    for (;;) {
      const old = await this.records.startedBefore(before);
      if (old.length === 0) break;
      for (const recording of old) await this.files.remove(recording.id);
      deleted += await this.records.remove(old.map(r => r.id));
    }
    let strays = 0;
    try {
      strays = await this.files.removeStrays(
        before,
        async id => (await this.records.get(id)) !== undefined,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (isRecordingOn(this.options.config)) await this.files.refresh();
    if (closed || deleted || strays) {
      logger.info(
        `Console recordings: closed ${closed} left open by a crash, deleted ${deleted} past retention and ${strays} stray files`,
      );
    }
    return { closed, deleted, strays };
  }
}

/** A deleted desktop, as far as its recording knows it, for the permission rules. */
function asDeletedDesktop(recording: RecordingRecord): WorkspaceRecord {
  const at = new Date(recording.startedAt);
  return {
    name: recording.workspace,
    owner: recording.owner,
    createdBy: recording.owner,
    cluster: '',
    provider: '',
    os: 'linux',
    image: '',
    size: '',
    diskGi: 0,
    state: 'deleting',
    createdAt: at,
    lastActivityAt: at,
  };
}
