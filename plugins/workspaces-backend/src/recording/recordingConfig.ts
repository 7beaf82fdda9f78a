import path from 'path';
import { ConfigReader, type Config } from '@backstage/config';
import {
  asConfigError,
  configError,
  readDurationMs,
} from '@desktop-mania/config-node';
import { quantityToBytes } from '@desktop-mania/plugin-workspaces-common';

/** What the backend reads from `workspaces.recording`. */
export interface RecordingConfig {
  /** Sessions on desktops of these images are recorded. */
  images: string[];
  /** Sessions on desktops these groups own are recorded (lower case). */
  ownerGroups: string[];
  /** Where the files go. */
  dir: string;
  maxBytesPerSession: number;
  maxTotalBytes: number;
  retentionMs: number;
}

export const RECORDING_DEFAULTS = {
  dir: 'data/recordings',
  maxBytesPerSession: 1024 ** 3,
  maxTotalBytes: 50 * 1024 ** 3,
  retentionMs: 30 * 24 * 3600_000,
};

function readBytes(config: Config, key: string, fallback: number): number {
  const fullKey = `workspaces.recording.${key}`;
  const value = config.getOptional(key);
  if (value === undefined) return fallback;
  let bytes: number | undefined;
  if (typeof value === 'number') bytes = value;
  else if (typeof value === 'string') bytes = quantityToBytes(value);
  if (bytes === undefined || !Number.isInteger(bytes) || bytes <= 0) {
    throw configError(
      fullKey,
      `expected a number of bytes above 0 or a quantity such as '500Mi', got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return bytes;
}

/**
 * Reads `workspaces.recording`: nothing is recorded unless it lists an
 * image or an owner group (see {@link isRecordingOn}); the folder and
 * retention apply to earlier recordings either way. `knownImages` are the
 * orderable images' names, so a misspelt one fails at startup instead of
 * recording nothing.
 */
export function readRecordingConfig(
  root: Config,
  knownImages: string[],
): RecordingConfig {
  const config =
    root.getOptionalConfig('workspaces.recording') ??
    new ConfigReader({}, 'defaults');
  try {
    const images = config.getOptionalStringArray('images') ?? [];
    images.forEach((image, i) => {
      if (!knownImages.includes(image)) {
        throw configError(
          `workspaces.recording.images[${i}]`,
          `'${image}' is not one of workspaces.images (${knownImages.join(
            ', ',
          )})`,
        );
      }
    });
    const ownerGroups = config.getOptionalStringArray('ownerGroups') ?? [];
    ownerGroups.forEach((group, i) => {
      if (!/^group:[^/\s:]+\/[^/\s]+$/.test(group)) {
        throw configError(
          `workspaces.recording.ownerGroups[${i}]`,
          `expected a full group ref such as 'group:default/auditors', got '${group}'`,
        );
      }
    });
    const maxBytesPerSession = readBytes(
      config,
      'maxBytesPerSession',
      RECORDING_DEFAULTS.maxBytesPerSession,
    );
    const maxTotalBytes = readBytes(
      config,
      'maxTotalBytes',
      RECORDING_DEFAULTS.maxTotalBytes,
    );
    if (maxTotalBytes < maxBytesPerSession) {
      throw configError(
        'workspaces.recording.maxTotalBytes',
        `must be at least maxBytesPerSession (${maxBytesPerSession}), got ${maxTotalBytes}`,
      );
    }
    return {
      images,
      ownerGroups: ownerGroups.map(g => g.toLocaleLowerCase('en-US')),
      dir: path.resolve(
        config.getOptionalString('dir') ?? RECORDING_DEFAULTS.dir,
      ),
      maxBytesPerSession,
      maxTotalBytes,
      retentionMs:
        readDurationMs(config, 'retention', {
          fullKey: 'workspaces.recording.retention',
          minMs: 3600_000,
        }) ?? RECORDING_DEFAULTS.retentionMs,
    };
  } catch (error) {
    throw asConfigError(error, 'workspaces.recording');
  }
}

/**
 * Recording off, with the default folder and retention, so recordings made
 * before it was turned off are still served and still expire.
 */
export const recordingOff = (): RecordingConfig =>
  readRecordingConfig(new ConfigReader({}), []);

/** Whether any desktop's sessions are recorded. */
export const isRecordingOn = (config: RecordingConfig | undefined) =>
  !!config && (config.images.length > 0 || config.ownerGroups.length > 0);

/** Whether sessions on a desktop of this image and owner are recorded. */
export function isRecordedDesktop(
  config: RecordingConfig | undefined,
  desktop: { image: string; owner: string },
): boolean {
  if (!config) return false;
  return (
    config.images.includes(desktop.image) ||
    config.ownerGroups.includes(desktop.owner.toLocaleLowerCase('en-US'))
  );
}
