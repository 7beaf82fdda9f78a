import { Config } from '@backstage/config';
import { configError, readDurationMs } from '@desktop-mania/config-node';

/**
 * A duration in milliseconds from `field` of `c` (reported as `key.field`),
 * or the fallback when it is not set. `timeout`s must be longer than zero.
 */
export function readClusterDurationMs(
  c: Config,
  key: string,
  field: string,
  fallbackMs?: number,
): number | undefined {
  // The key was renamed; ignoring the old one would silently drop a setting.
  if (field === 'timeout' && c.has('timeoutMs')) {
    throw configError(
      `${key}.timeoutMs`,
      `renamed to '${key}.timeout', a duration such as '10s', 'PT10S' or { seconds: 10 }`,
    );
  }
  return (
    readDurationMs(c, field, {
      fullKey: `${key}.${field}`,
      minMs: field === 'timeout' ? 1 : 0,
    }) ?? fallbackMs
  );
}
