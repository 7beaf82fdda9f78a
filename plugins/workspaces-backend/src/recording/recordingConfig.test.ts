import path from 'path';
import { ConfigReader } from '@backstage/config';
import {
  isRecordedDesktop,
  isRecordingOn,
  readRecordingConfig,
  RECORDING_DEFAULTS,
} from './recordingConfig';

const read = (recording: any) =>
  readRecordingConfig(new ConfigReader({ workspaces: { recording } }), [
    'ubuntu-desktop',
    'windows-11',
  ]);

describe('readRecordingConfig', () => {
  it('records nothing unless an image or owner group is listed', () => {
    const none = readRecordingConfig(new ConfigReader({}), ['ubuntu-desktop']);
    expect(isRecordingOn(none)).toBe(false);
    expect(
      isRecordedDesktop(none, { image: 'ubuntu-desktop', owner: 'y' }),
    ).toBe(false);
    // Earlier recordings are still kept there, and expire.
    expect(read({ dir: '/srv/rec', retention: '2d' })).toMatchObject({
      dir: '/srv/rec',
      retentionMs: 2 * 24 * 3600_000,
    });
    expect(isRecordingOn(read({ dir: '/srv/rec' }))).toBe(false);
    expect(isRecordingOn(read({ images: ['windows-11'] }))).toBe(true);
  });

  it('reads images, groups, limits and retention, with defaults', () => {
    expect(read({ images: ['windows-11'] })).toEqual({
      images: ['windows-11'],
      ownerGroups: [],
      dir: path.resolve('data/recordings'),
      maxBytesPerSession: RECORDING_DEFAULTS.maxBytesPerSession,
      maxTotalBytes: RECORDING_DEFAULTS.maxTotalBytes,
      retentionMs: RECORDING_DEFAULTS.retentionMs,
    });
    const config = read({
      ownerGroups: ['group:default/Auditors'],
      dir: '/srv/rec',
      maxBytesPerSession: '500Mi',
      maxTotalBytes: 10_000_000_000,
      retention: { days: 7 },
    });
    expect(config).toMatchObject({
      dir: '/srv/rec',
      maxBytesPerSession: 500 * 1024 ** 2,
      maxTotalBytes: 10_000_000_000,
      retentionMs: 7 * 24 * 3600_000,
    });
    expect(
      isRecordedDesktop(config, {
        image: 'ubuntu-desktop',
        owner: 'group:default/auditors',
      }),
    ).toBe(true);
    expect(
      isRecordedDesktop(config, {
        image: 'ubuntu-desktop',
        owner: 'user:default/alice',
      }),
    ).toBe(false);
  });

  it.each([
    [
      { images: ['ubunto'] },
      "Invalid config at 'workspaces.recording.images[0]': 'ubunto' is not one of workspaces.images (ubuntu-desktop, windows-11)",
    ],
    [
      { ownerGroups: ['auditors'] },
      "Invalid config at 'workspaces.recording.ownerGroups[0]': expected a full group ref such as 'group:default/auditors', got 'auditors'",
    ],
    [
      { images: ['windows-11'], maxBytesPerSession: 'lots' },
      `Invalid config at 'workspaces.recording.maxBytesPerSession': expected a number of bytes above 0 or a quantity such as '500Mi', got "lots"`,
    ],
    [
      {
        images: ['windows-11'],
        maxBytesPerSession: '2Gi',
        maxTotalBytes: '1Gi',
      },
      "Invalid config at 'workspaces.recording.maxTotalBytes': must be at least maxBytesPerSession (2147483648), got 1073741824",
    ],
    [
      { images: ['windows-11'], retention: '5m' },
      "Invalid config at 'workspaces.recording.retention': must be at least 3600000 ms, got 300000 ms",
    ],
    [
      { images: 'windows-11' },
      "Invalid config at 'workspaces.recording.images': expected string-array, got string",
    ],
  ])('names the key of a mistake, in one line: %j', (recording, message) => {
    expect(() => read(recording)).toThrow(message);
  });
});
