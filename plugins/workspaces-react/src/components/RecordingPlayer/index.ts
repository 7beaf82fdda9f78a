export { PLAYBACK_SPEEDS } from './recordingChannel';
export {
  useRecordingPlayback,
  type RecordingPlayback,
} from './useRecordingPlayback';
