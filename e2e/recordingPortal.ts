import path from 'path';
import { DESKTOPS } from './desktopsDir';
import { startExtraPortal, type ExtraPortal } from './extraPortal';

/** The e2e portal that records every console session. */
export const RECORDING_URL = 'http://localhost:7019';

/** Beside the main portal's desktops, where the run's teardown looks too. */
const RECORDING_DESKTOPS = `${DESKTOPS}-recording`;

const ROOT = path.resolve(__dirname, '..');

/** A running recording portal. */
export type RecordingPortal = ExtraPortal;

/** The portal of app-config.yaml and e2e/app-config.e2e-recording.yaml. */
export function startRecordingPortal(
  timeoutMs: number,
): Promise<RecordingPortal> {
  return startExtraPortal({
    name: 'recording',
    url: RECORDING_URL,
    configs: ['e2e/app-config.e2e-recording.yaml'],
    desktopsDir: RECORDING_DESKTOPS,
    log: path.join(ROOT, 'test-results/e2e-recording/portal.log'),
    timeoutMs,
  });
}
