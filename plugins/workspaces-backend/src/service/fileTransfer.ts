import type { Readable } from 'stream';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  assertError,
  InputError,
  NotAllowedError,
  NotImplementedError,
} from '@backstage/errors';
import { asConfigError, configError } from '@desktop-mania/config-node';
import {
  workspaceConnectPermission,
  workspaceFilesPermission,
  type WorkspaceFileEntry,
  type WorkspaceFolder,
} from '@desktop-mania/plugin-workspaces-common';
import {
  workspacePathSegments,
  type WorkspaceFileTransfer,
  type WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { ProviderRegistry } from './ProviderRegistry';
import { actorOf, type WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import type { AuditEntry } from './WorkspaceService';

const MiB = 2 ** 20;
const DEFAULT_MAX_UPLOAD_MI = 100;

/** What the backend reads from `workspaces.files`. */
export interface FileTransferConfig {
  maxUploadBytes: number;
}

/** Reads `workspaces.files`; a mistake there is an `InputError` naming the key. */
export function readFileTransferConfig(config: Config): FileTransferConfig {
  const key = 'workspaces.files.maxUploadMi';
  let mi: number;
  try {
    mi = config.getOptionalNumber(key) ?? DEFAULT_MAX_UPLOAD_MI;
  } catch (error) {
    throw asConfigError(error, key);
  }
  if (!(mi > 0)) {
    throw configError(key, `expected a positive number of MiB, got ${mi}`);
  }
  return { maxUploadBytes: Math.floor(mi * MiB) };
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/**
 * Uploads into and downloads from a desktop's home. The workspace service
 * builds it with its own authorizer, providers and audit log, so it stays
 * the one place that calls providers and writes history; this keeps the
 * rules of transfers apart from the life of desktops.
 */
export class FileTransfer {
  private readonly maxUploadBytes: number;

  constructor(
    private readonly options: {
      authorizer: WorkspaceAuthorizer;
      providers: ProviderRegistry;
      audit(entry: AuditEntry): Promise<void>;
      config?: FileTransferConfig;
    },
  ) {
    this.maxUploadBytes =
      options.config?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_MI * MiB;
  }

  /**
   * The desktop, if the caller may transfer files with it, and its
   * provider's file channel. Files reach nothing the console would not, so
   * the console's permission is needed as well: a policy that does not
   * know `workspace.files` yet cannot open more than it meant to.
   */
  private async open(
    credentials: BackstageCredentials,
    name: string,
  ): Promise<{ ref: WorkspaceRef; files: WorkspaceFileTransfer }> {
    const { authorizer, providers } = this.options;
    const record: WorkspaceRecord = await authorizer.authorizeRecord(
      name,
      workspaceFilesPermission,
      credentials,
    );
    if (
      !(await authorizer.isAllowed(
        workspaceConnectPermission,
        record,
        credentials,
      ))
    ) {
      throw new NotAllowedError(
        `You may not transfer files with the desktop '${name}'`,
      );
    }
    const files = providers.forCluster(record.cluster).files;
    if (!files) {
      throw new NotImplementedError(
        `The desktop '${name}' runs on cluster '${record.cluster}', whose provider offers no file transfer`,
      );
    }
    return { ref: { name: record.name, cluster: record.cluster }, files };
  }

  /** A folder of the home, folders first, then by name. */
  async list(
    credentials: BackstageCredentials,
    name: string,
    path: string,
  ): Promise<WorkspaceFolder> {
    const dir = workspacePathSegments(path).join('/');
    const { ref, files } = await this.open(credentials, name);
    const entries = await files.list(ref, dir);
    entries.sort(
      (a, b) =>
        Number(b.type === 'directory') - Number(a.type === 'directory') ||
        a.name.localeCompare(b.name),
    );
    return { path: dir, entries };
  }

  async download(
    credentials: BackstageCredentials,
    name: string,
    path: string,
  ): Promise<{ content: Readable; size: number; fileName: string }> {
    const segments = fileSegments(path);
    const { ref, files } = await this.open(credentials, name);
    const file = segments.join('/');
    const { content, size } = await this.transfer(
      credentials,
      name,
      'download',
      file,
      () => files.read(ref, file),
      opened => `${file} (${opened.size} B)`,
    );
    return { content, size, fileName: segments[segments.length - 1] };
  }

  /** `size` is the request's Content-Length, which every upload must give. */
  async upload(
    credentials: BackstageCredentials,
    name: string,
    path: string,
    content: Readable,
    size: number | undefined,
  ): Promise<WorkspaceFileEntry> {
    const file = fileSegments(path).join('/');
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new InputError('An upload must say its size (Content-Length)');
    }
    if (size > this.maxUploadBytes) {
      throw new InputError(
        `The file is too big: ${mib(size)}, and uploads may be at most ${mib(
          this.maxUploadBytes,
        )}`,
      );
    }
    const { ref, files } = await this.open(credentials, name);
    return this.transfer(
      credentials,
      name,
      'upload',
      `${file} (${size} B)`,
      () => files.write(ref, file, content, size),
      () => `${file} (${size} B)`,
    );
  }

  /** Runs one transfer and writes its outcome to the desktop's history. */
  private async transfer<T>(
    credentials: BackstageCredentials,
    name: string,
    action: 'upload' | 'download',
    what: string,
    run: () => Promise<T>,
    done: (result: T) => string,
  ): Promise<T> {
    const entry = { workspace: name, actor: actorOf(credentials), action };
    let result: T;
    try {
      result = await run();
    } catch (error) {
      assertError(error);
      await this.options.audit({
        ...entry,
        outcome: 'failed',
        message: `${what}: ${error.message}`,
      });
      throw error;
    }
    await this.options.audit({
      ...entry,
      outcome: 'succeeded',
      message: done(result),
    });
    return result;
  }
}

/** The segments of a path that must name a file, not the home itself. */
function fileSegments(path: string): string[] {
  const segments = workspacePathSegments(path);
  if (segments.length === 0) {
    throw new InputError('path: names the home itself, not a file in it');
  }
  return segments;
}
