import type {
  ConsoleOptions,
  ConsoleStream,
} from '@desktop-mania/plugin-workspaces-node';
import type {
  ConsoleSessionEnd,
  WorkspaceRecord,
  WorkspaceStore,
} from '../database/WorkspaceStore';
import type { RecordingFacts } from '../recording/SessionRecorder';
import type { ProviderRegistry } from './ProviderRegistry';
import type { AuditEntry } from './WorkspaceService';

/**
 * Part of the workspace service, in its own file because the service is long
 * enough: it opens desktops' screens and records console sessions, with the
 * service's store, providers and audit (so `ownership.test.ts` lists it
 * beside the service), and only the service builds it.
 */
export class WorkspaceConsoles {
  constructor(
    private readonly options: {
      store: WorkspaceStore;
      providers: ProviderRegistry;
      audit(entry: AuditEntry): Promise<void>;
    },
  ) {}

  /** See {@link WorkspaceService.openConsole}. */
  async open(
    record: WorkspaceRecord,
    actor: string,
    options: ConsoleOptions,
    leasedSession?: number,
  ): Promise<{ sessionId: number; stream: Promise<ConsoleStream> }> {
    const sessionId =
      leasedSession ??
      (await this.options.store.startConsoleSession(record.name, actor));
    const stream = this.options.providers
      .forCluster(record.cluster)
      .openConsole({ name: record.name, cluster: record.cluster }, options);
    return { sessionId, stream };
  }

  /** A console session in use keeps its desktop from counting as idle. */
  async recordActivity(record: WorkspaceRecord) {
    await this.options.store.touch(record.name, new Date());
  }

  /** Records how a console session ended; the desktop counts as used. */
  async close(
    record: WorkspaceRecord,
    actor: string,
    sessionId: number,
    end: ConsoleSessionEnd & {
      seconds: number;
      /** Settles once the session's recording is closed. */
      recording?: Promise<RecordingFacts>;
    },
  ) {
    const { recordingId, recordingNote } = (await end.recording) ?? {};
    await Promise.all([
      this.options.store.endConsoleSession(sessionId, end),
      this.options.store.touch(record.name, new Date()),
      this.options.audit({
        workspace: record.name,
        actor,
        action: 'console',
        outcome: 'succeeded',
        message: `${end.seconds} s, ${end.bytesToDesktop} B to and ${
          end.bytesFromDesktop
        } B from the desktop, closed ${end.closeCode} ${end.closeReason}${
          recordingId ? `; recorded as ${recordingId}` : ''
        }${recordingNote ? `; ${recordingNote}` : ''}`,
        recordingId,
      }),
    ]);
  }
}
