import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';

/** A config mistake, named by its key so the operator can find it; one line. */
export function configError(key: string, problem: string) {
  return new InputError(
    `Invalid config at '${key}': ${problem.replace(/\s*\n\s*/g, ' ')}`,
  );
}

/**
 * The same shape for the type errors of the config reader itself, which
 * name the key but are plain errors with the config file in them.
 */
export function asConfigError(error: unknown, key: string): InputError {
  if (error instanceof InputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const typed =
    /^Invalid type in config for key '([^']+)' in '.*', got (\S+), wanted (\S+)$/.exec(
      message,
    );
  if (typed)
    return configError(typed[1], `expected ${typed[3]}, got ${typed[2]}`);
  const missing = /^Missing required config value at '([^']+)'/.exec(message);
  if (missing) return configError(missing[1], 'a value is required');
  const convert =
    /^Unable to convert config value for key '([^']+)' in '.*' to an? (\S+)$/.exec(
      message,
    );
  if (convert) return configError(convert[1], `expected a ${convert[2]}`);
  return configError(key, message);
}

const DURATION_EXAMPLES =
  "a duration such as '10s', 'PT10S' or { seconds: 10 }";

/**
 * A duration in milliseconds from `field` of `c` (reported as `key.field`),
 * or the fallback when it is not set. `timeout`s must be longer than zero.
 */
export function readDurationMs(
  c: Config,
  key: string,
  field: string,
  fallbackMs?: number,
): number | undefined {
  if (field === 'timeout' && c.has('timeoutMs')) {
    throw configError(
      `${key}.timeoutMs`,
      `renamed to '${key}.timeout', ${DURATION_EXAMPLES}`,
    );
  }
  if (!c.has(field)) return fallbackMs;
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(c, { key: field }));
  } catch {
    throw configError(
      `${key}.${field}`,
      `expected ${DURATION_EXAMPLES}, got ${JSON.stringify(c.get(field))}`,
    );
  }
  if (!(ms > 0) && !(field !== 'timeout' && ms === 0)) {
    throw configError(
      `${key}.${field}`,
      field === 'timeout' ? 'must be longer than zero' : 'must not be negative',
    );
  }
  return ms;
}
