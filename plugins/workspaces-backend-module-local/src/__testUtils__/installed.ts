import fs from 'fs';
import { DEFAULT_BINARIES, requiredPrograms } from '../binaries';

/**
 * The default programs, and `extra` ones, this machine lacks, warning that
 * the tests named by `skipping` do not run. Synchronous because jest must
 * know which suites to skip before any test runs.
 */
export function absentPrograms(skipping: string, extra: string[] = []) {
  const absent = [
    ...requiredPrograms(DEFAULT_BINARIES).map(p => p.path),
    ...extra,
  ].filter(p => !fs.existsSync(p));
  if (absent.length) {
    // eslint-disable-next-line no-console
    console.warn(`Skipping ${skipping}; missing: ${absent.join('; ')}`);
  }
  return absent;
}
