import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { configError } from './configError';

/**
 * Reads an optional duration, in any form Backstage accepts
 * (`'30s'`, `'PT30S'`, `{ seconds: 30 }`), as milliseconds.
 *
 * @public
 */
export function readDurationMs(
  config: Config,
  key: string,
  options: {
    /** The full key to name in errors, such as `workspaces.console.idleTimeout`. */
    fullKey: string;
    /** The shortest duration allowed; zero or more when not given. */
    minMs?: number;
  },
): number | undefined {
  if (!config.has(key)) return undefined;
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch {
    throw configError(
      options.fullKey,
      `expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got ${JSON.stringify(
        config.get(key),
      )}`,
    );
  }
  const minMs = options.minMs ?? 0;
  if (!(ms >= minMs)) {
    throw configError(options.fullKey, tooShort(minMs, ms));
  }
  return ms;
}

function tooShort(minMs: number, ms: number) {
  if (minMs === 0) return `must not be negative, got ${ms} ms`;
  if (minMs === 1) return `must be longer than zero, got ${ms} ms`;
  return `must be at least ${minMs} ms, got ${ms} ms`;
}
